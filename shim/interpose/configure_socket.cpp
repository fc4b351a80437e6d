#include "configure_socket.h"

#include <netinet/in.h>
#include <netinet/tcp.h>

#include <cerrno>
#include "libc_differences.h"
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
    line.add(" failed: ").add(error_description(error));
    line.add("; such sockets keep the kernel's value (reported once)");
    log_line(LogLevel::Warn, line);
}

void log_configured(int fd, const SocketPlan& plan, uint8_t skip, const char* event, const sockaddr* peer,
                    socklen_t peer_length, int rule) {
    if (!log_wanted(LogLevel::Debug)) return;
    MessageText line;
    line.add("kashim: fd ").add_signed(fd).add(' ');
    describe_configured(line, event, peer, peer_length, rule, plan, skip);
    log_line(LogLevel::Debug, line);
}

}  // namespace

FdState discover(int fd) {
    FdState state = fd_registry.get(fd);
    if (state.kind != FdKind::Unknown) return state;
    int saved_errno = errno;
    // One call tells TCP from everything else: only a TCP socket answers a TCP-level option
    // (UDP and raw sockets, even raw IPPROTO_TCP ones, say ENOPROTOOPT; UNIX says EOPNOTSUPP).
    int idle = 0;
    socklen_t length = sizeof idle;
    if (getsockopt(fd, IPPROTO_TCP, TCP_KEEPIDLE, &idle, &length) == 0) state = {FdKind::Pending, 0};
    else if (errno == ENOPROTOOPT || errno == EOPNOTSUPP) state = {FdKind::NotManaged, 0};
    // Otherwise (EBADF, ENOTSOCK) nothing is recorded: the real call will report it.
    if (state.kind != FdKind::Unknown) fd_registry.set(fd, state);
    errno = saved_errno;
    return state;
}

void configure(int fd, const SocketPlan& plan, uint8_t skip, const char* event, const sockaddr* peer,
               socklen_t peer_length, int rule) {
    int saved_errno = errno;
    uint8_t refused = 0;
    for (uint8_t i = 0; i < plan.count; ++i) {
        const SocketOption& option = plan.options[i];
        if ((option.bit & skip) != 0) continue;
        if (real_setsockopt(fd, option.level, option.name, &option.value, sizeof option.value) != 0) {
            refused |= option.bit;
            report_failure_once(option, errno);
        }
    }
    // What the kernel refused is not pinned: the operator's value is not in force there, so the
    // program's own call for that option must reach the kernel and get the kernel's answer.
    if (plan.count == 0) fd_registry.set(fd, {FdKind::NotManaged, 0});
    else fd_registry.set(fd, {FdKind::Managed, static_cast<uint8_t>(plan.pinned & ~skip & ~refused)});
    log_configured(fd, plan, skip, event, peer, peer_length, rule);
    errno = saved_errno;
}

void configure_connection(int fd, FdState state, const Runtime& runtime, const Connection& connection,
                          const char* event) {
    int rule = match_rule(runtime.config.rules, connection);
    const SocketPlan& plan = rule < 0 ? runtime.plans.global : runtime.plans.rules[rule];
    uint8_t skip = runtime.config.policy == Policy::Respect ? state.options : 0;
    configure(fd, plan, skip, event, connection.peer, connection.peer_length, rule);
}

}  // namespace kashim
