// setsockopt(): a program's own keepalive values meet the operator's under the policy (cap: the
// tighter stands; override: the operator's; respect: the program's), as the core decides. Every
// other option passes straight through.
#include <sys/socket.h>

#include <cerrno>

#include "hook.h"
#include "../core/socket_configurator.h"
#include "fd_registry.h"
#include "../log/logger.h"
#include "real_functions.h"
#include "runtime.h"

using namespace kashim;

namespace {

void log_kept(int fd, int level, int name, const void* value) {
    if (!log_wanted(LogLevel::Debug)) return;
    int asked;
    __builtin_memcpy(&asked, value, sizeof asked);
    MessageText line;
    line.add("kashim: fd ").add_signed(fd).add(": ");
    describe_kept(line, level, name, asked);
    log_line(LogLevel::Debug, line);
}

}  // namespace

KASHIM_HOOK int setsockopt(int fd, int level, int name, const void* value, socklen_t length) noexcept {
    if (uint8_t option = keepalive_option_bit(level, name)) {
        const Runtime* runtime = active_runtime("setsockopt()");
        FdState state = fd_registry.get(fd);
        if (runtime != nullptr && state.kind == FdKind::Managed &&
            judge_program_setsockopt(runtime->config.policy, plan_for_rule(runtime->plans, state.rule), state.options,
                                     level, name, value, length) == ProgramCall::AnsweredByKashim) {
            log_kept(fd, level, name, value);
            return 0;
        }
        int result = real_setsockopt(fd, level, name, value, length);
        // What the program set before its rule is known is weighed when the rule is applied; a
        // value the kernel refused is no choice of its.
        if (result == 0 && runtime != nullptr && state.kind == FdKind::Pending &&
            kashim_policy_weighs_program_choices(table_policy(runtime->config.policy))) {
            int saved_errno = errno;
            fd_registry.set(fd, {FdKind::Pending, static_cast<uint8_t>(state.options | option)});
            errno = saved_errno;
        }
        return result;
    }
    return real_setsockopt(fd, level, name, value, length);
}
