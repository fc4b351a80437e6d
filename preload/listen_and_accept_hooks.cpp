// listen(), accept(), accept4(): connections accepted on a configured listener inherit its
// settings from the kernel for free, so the listener is configured whenever the decision does
// not depend on the peer. When a rule looks at the peer's address, each accepted connection is
// configured on its own and the listener is left alone. A listener kashim never saw made
// (systemd socket activation, an inherited fd) is handled on its first accept.
#include <sys/socket.h>

#include "hook.h"
#include "configure_socket.h"
#include "dead_peer_report.h"
#include "real_functions.h"

using namespace kashim;

namespace {

// Only asks the kernel for what some rule will look at.
uint16_t service_port_if_needed(int fd, const Runtime& runtime) {
    return runtime.needs.inbound_port ? local_port(fd, getsockname) : 0;
}

void configure_listener(int listener, FdState state, const Runtime& runtime, uint16_t port) {
    configure_connection(listener, state, runtime, {Direction::In, nullptr, 0, port}, "listening");
}

int after_accept(int listener, int accepted, const sockaddr* peer, const socklen_t* peer_length) {
    if (accepted < 0) return accepted;
    const Runtime* runtime = active_runtime("accept()");
    if (runtime == nullptr) {
        fd_registry.forget(accepted);
        return accepted;
    }
    FdState state = discover(listener);
    if (state.kind != FdKind::Pending) {
        int saved_errno = errno;
        fd_registry.set(accepted, {state.kind, state.options, state.rule});  // inherited from the listener, or not TCP
        watch_connection(accepted);
        errno = saved_errno;
        return accepted;
    }
    int saved_errno = errno;
    uint16_t port = service_port_if_needed(accepted, *runtime);
    sockaddr_storage asked{};
    socklen_t length = peer_length != nullptr ? *peer_length : 0;
    if (runtime->needs.inbound_peer && (peer == nullptr || length > sizeof asked)) {
        length = sizeof asked;
        peer = getpeername(accepted, reinterpret_cast<sockaddr*>(&asked), &length) == 0
                   ? reinterpret_cast<sockaddr*>(&asked) : nullptr;
    }
    if (!runtime->needs.inbound_peer) configure_listener(listener, state, *runtime, port);
    configure_connection(accepted, state, *runtime, {Direction::In, peer, length, port}, "accepted from");
    watch_connection(accepted);
    errno = saved_errno;
    return accepted;
}

}  // namespace

KASHIM_HOOK int listen(int fd, int backlog) noexcept {
    if (const Runtime* runtime = active_runtime("listen()")) {
        FdState state = discover(fd);
        if (state.kind == FdKind::Pending && !runtime->needs.inbound_peer)
            configure_listener(fd, state, *runtime, service_port_if_needed(fd, *runtime));
    }
    return real_listen(fd, backlog);
}

KASHIM_HOOK int accept(int fd, sockaddr* address, socklen_t* length) {
    return after_accept(fd, real_accept(fd, address, length), address, length);
}

KASHIM_HOOK int accept4(int fd, sockaddr* address, socklen_t* length, int flags) {
    return after_accept(fd, real_accept4(fd, address, length, flags), address, length);
}
