// accept(), accept4(): connections accepted on a listener kashim configured inherit its settings
// from the kernel for free. A listener kashim never saw made (systemd socket activation, an
// inherited fd) is configured on its first accept, along with the connection just accepted.
#include <sys/socket.h>

#include "hook.h"
#include "configure_socket.h"
#include "fd_registry.h"
#include "real_functions.h"

using namespace kashim;

namespace {

int after_accept(int listener, int accepted, const sockaddr* peer, const socklen_t* peer_length) {
    if (accepted < 0) return accepted;
    const Runtime* runtime = active_runtime("accept() called before kashim's constructor");
    if (runtime == nullptr) {
        fd_registry.forget(accepted);
        return accepted;
    }
    bool was_unknown = fd_registry.get(listener).kind == FdKind::Unknown;
    FdState state = configure_if_unknown(listener, *runtime, "listening, first accept", nullptr, 0);
    socklen_t length = peer_length != nullptr ? *peer_length : 0;
    if (state.kind == FdKind::Managed && was_unknown)
        configure_tcp_socket(accepted, *runtime, "accepted from", peer, length);
    else
        fd_registry.set(accepted, state);
    return accepted;
}

}  // namespace

KASHIM_HOOK int accept(int fd, sockaddr* address, socklen_t* length) {
    return after_accept(fd, real_accept(fd, address, length), address, length);
}

KASHIM_HOOK int accept4(int fd, sockaddr* address, socklen_t* length, int flags) {
    return after_accept(fd, real_accept4(fd, address, length, flags), address, length);
}
