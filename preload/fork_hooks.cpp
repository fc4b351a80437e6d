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

// Each hook first lets a fork child know itself as one before the call returns there, in another
// library's fork handler or a signal handler (memory_owner.h).
KASHIM_HOOK pid_t fork() noexcept {
    mark_fork_children();
    pid_t child = real_fork();
    if (child == 0) adopt_after_fork();
    return child;
}

// It returns in the daemon, a fork child of the caller (musl's forks twice: a grandchild), or in a
// child that failed to become one (glibc's cannot open /dev/null): any process but the caller.
KASHIM_HOOK int daemon(int keep_directory, int keep_descriptors) noexcept {
    mark_fork_children();
    pid_t caller = current_process_id();
    int result = real_daemon(keep_directory, keep_descriptors);
    if (current_process_id() != caller) adopt_after_fork();
    return result;
}

KASHIM_HOOK pid_t forkpty(int* terminal, char* name, const termios* settings, const winsize* size) noexcept {
    mark_fork_children();
    pid_t child = real_forkpty(terminal, name, settings, size);
    if (child == 0) adopt_after_fork();
    return child;
}
