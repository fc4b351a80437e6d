#include "configure_socket.h"

#include <netinet/in.h>
#include <netinet/tcp.h>

#include <cerrno>

#include "../core/socket_configurator.h"
#include "error_description.h"
#include "../log/logger.h"
#include "real_functions.h"

namespace kashim {
namespace {

static_assert(RuleSet::kCapacity < 63, "a rule's index must fit the registry's six bits");
static_assert(KASHIM_OPTION_COUNT <= 5, "a set of options must fit the registry's five bits");

std::atomic<uint8_t> g_refusals_reported{0};

void report_refusal_once(const SocketOption& option, int error) {
    uint8_t before = g_refusals_reported.fetch_or(option.bit, std::memory_order_relaxed);
    if ((before & option.bit) != 0) return;
    MessageText line;
    describe_refusal(line, option, error_description(error));
    log_line(LogLevel::Warn, line);
}

// The socket as the shim reaches it (the next setsockopt in line, past its own hook) for the
// core's configure_socket, which records the outcome in the registry.
struct ShimSocket {
    int fd;

    bool read_option(int level, int name, int& value) const {
        socklen_t length = sizeof value;
        return getsockopt(fd, level, name, &value, &length) == 0;
    }
    int write_option(const SocketOption& option) const {
        return real_setsockopt(fd, option.level, option.name, &option.value, sizeof option.value) == 0 ? 0 : errno;
    }
    void refused(const SocketOption& option, int error) const { report_refusal_once(option, error); }
    void configured(const SocketConfiguration& configuration, uint8_t pinned) const {
        if (configuration.plan->count == 0) fd_registry.set(fd, {FdKind::NotManaged, 0});
        else fd_registry.set(fd, {FdKind::Managed, pinned, static_cast<int8_t>(configuration.rule)});
    }
    bool wants_line() const { return log_wanted(LogLevel::Debug); }
    void start_line(MessageText& line) const { line.add("kashim: fd ").add_signed(fd).add(' '); }
    void finish_line(MessageText& line) const { log_line(LogLevel::Debug, line); }
};

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

void configure_connection(int fd, FdState state, const Runtime& runtime, const Connection& connection,
                          const char* event) {
    int saved_errno = errno;
    ShimSocket socket{fd};
    // What the program set on a Pending socket before its rule was known.
    uint8_t program_set = state.kind == FdKind::Pending ? state.options : 0;
    configure_socket(runtime.config, runtime.plans, connection, program_set, event, socket);
    errno = saved_errno;
}

}  // namespace kashim
