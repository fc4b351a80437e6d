// setsockopt(): under the override policy the operator's keepalive values stand against the
// program's own (curl's 60 s, Node's TCP_KEEPIDLE=0). Every other option passes straight through.
#include <sys/socket.h>

#include "hook.h"
#include "../core/socket_plan.h"
#include "fd_registry.h"
#include "logger.h"
#include "real_functions.h"
#include "runtime.h"

using namespace kashim;

namespace {

void log_kept(int fd, int level, int name, const void* value) {
    if (!log_wanted(LogLevel::Debug)) return;
    MessageText line;
    line.add("kashim: fd ").add_signed(fd).add(": kept the operator's ");
    line.add(option_bit_name(keepalive_option_bit(level, name))).add(", the program asked for ");
    line.add_signed(*static_cast<const int*>(value));
    log_line(LogLevel::Debug, line);
}

}  // namespace

KASHIM_HOOK int setsockopt(int fd, int level, int name, const void* value, socklen_t length) noexcept {
    if (uint8_t option = keepalive_option_bit(level, name)) {
        const Runtime* runtime = active_runtime("setsockopt() called before kashim's constructor");
        FdState state = fd_registry.get(fd);
        if (runtime != nullptr && state.kind == FdKind::Managed &&
            keeps_operator_value(runtime->config.policy, state.options, level, name, value, length)) {
            log_kept(fd, level, name, value);
            return 0;
        }
        // Under respect, what the program sets before its rule is known must survive the rule.
        if (runtime != nullptr && state.kind == FdKind::Pending && runtime->config.policy == Policy::Respect)
            fd_registry.set(fd, {FdKind::Pending, static_cast<uint8_t>(state.options | option)});
    }
    return real_setsockopt(fd, level, name, value, length);
}
