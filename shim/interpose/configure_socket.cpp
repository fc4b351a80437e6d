#include "configure_socket.h"

#include <netinet/in.h>
#include <netinet/tcp.h>

#include <cerrno>
#include <cstring>

#include "../core/address_text.h"
#include "fd_registry.h"
#include "logger.h"
#include "real_functions.h"

namespace kashim {
namespace {

std::atomic<uint8_t> g_failures_reported{0};

void report_failure_once(const SocketOption& option, int error) {
    uint8_t before = g_failures_reported.fetch_or(option.bit, std::memory_order_relaxed);
    if ((before & option.bit) != 0) return;
    MessageText line;
    line.add("kashim: setsockopt ").add(option_bit_name(option.bit)).add('=').add_signed(option.value);
    line.add(" failed: ").add(strerrordesc_np(error) ? strerrordesc_np(error) : "unknown error");
    line.add("; such sockets keep the kernel's value (reported once)");
    log_line(LogLevel::Warn, line);
}

void log_configured(int fd, const SocketPlan& plan, const char* event, const sockaddr* peer,
                    socklen_t peer_length) {
    if (!log_wanted(LogLevel::Debug)) return;
    MessageText line;
    line.add("kashim: fd ").add_signed(fd).add(' ').add(event);
    if (peer != nullptr) line.add(' '), add_address(line, peer, peer_length);
    line.add(": set");
    for (uint8_t i = 0; i < plan.count; ++i)
        line.add(' ').add(option_bit_name(plan.options[i].bit)).add('=').add_signed(plan.options[i].value);
    log_line(LogLevel::Debug, line);
}

}  // namespace

void configure_tcp_socket(int fd, const Runtime& runtime, const char* event, const sockaddr* peer,
                          socklen_t peer_length) {
    int saved_errno = errno;
    const SocketPlan& plan = runtime.plan;
    for (uint8_t i = 0; i < plan.count; ++i) {
        const SocketOption& option = plan.options[i];
        if (real_setsockopt(fd, option.level, option.name, &option.value, sizeof option.value) != 0)
            report_failure_once(option, errno);
    }
    fd_registry.set(fd, {FdKind::Managed, plan.pinned});
    log_configured(fd, plan, event, peer, peer_length);
    errno = saved_errno;
}

FdState configure_if_unknown(int fd, const Runtime& runtime, const char* event, const sockaddr* peer,
                             socklen_t peer_length) {
    FdState state = fd_registry.get(fd);
    if (state.kind != FdKind::Unknown) return state;
    int saved_errno = errno;
    // One call tells TCP from everything else: only a TCP socket answers a TCP-level option
    // (UDP and raw sockets, even raw IPPROTO_TCP ones, say ENOPROTOOPT; UNIX says EOPNOTSUPP).
    int idle = 0;
    socklen_t length = sizeof idle;
    if (getsockopt(fd, IPPROTO_TCP, TCP_KEEPIDLE, &idle, &length) == 0) {
        configure_tcp_socket(fd, runtime, event, peer, peer_length);
    } else if (errno == ENOPROTOOPT || errno == EOPNOTSUPP) {
        fd_registry.set(fd, {FdKind::NotManaged, 0});
    }
    // Otherwise (EBADF, ENOTSOCK) nothing is recorded: the real call will report it.
    errno = saved_errno;
    return fd_registry.get(fd);
}

}  // namespace kashim
