// fork(), daemon() and forkpty(): the child they return in has a copy of kashim's memory, and takes
// it over there, so that its own sockets are configured and what it closes is recorded; a vfork
// or posix_spawn child, which runs in its parent's memory, never does. Wrapping the calls costs a
// process that never forks nothing; a fork handler registered at exec instead cost every process
// about 3 µs, the C library's code and data pages it touches.
#include <pty.h>
#include <unistd.h>

#include "hook.h"
#include "memory_owner.h"
#include "real_functions.h"
#include "runtime.h"
#include "system_calls.h"

using namespace kashim;

namespace {

// The call made so that any process it returns in but the caller's own (the child of fork() or
// forkpty(); the daemon, a child or grandchild, or glibc's child that could not open /dev/null)
// takes the memory over; before the call, a fork child is let know itself as one even before the
// call returns there, in another library's fork handler or a signal handler (memory_owner.h).
template <typename Call>
auto taking_over_in_children(Call call) {
    mark_fork_children();
    pid_t caller = current_process_id();
    auto result = call();
    if (current_process_id() != caller) adopt_after_fork();
    return result;
}

}  // namespace

KASHIM_HOOK pid_t fork() noexcept {
    return taking_over_in_children([] { return real_fork(); });
}

KASHIM_HOOK int daemon(int keep_directory, int keep_descriptors) noexcept {
    return taking_over_in_children([=] { return real_daemon(keep_directory, keep_descriptors); });
}

KASHIM_HOOK pid_t forkpty(int* terminal, char* name, const termios* settings, const winsize* size) noexcept {
    return taking_over_in_children([=] { return real_forkpty(terminal, name, settings, size); });
}
