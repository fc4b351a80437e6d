// fork(), daemon() and forkpty(): the child they return in has a copy of kashim's memory, and takes
// it over there, so that its own sockets are configured and what it closes is recorded; a vfork
// or posix_spawn child, which runs in its parent's memory, never does. Wrapping the calls costs a
// process that never forks nothing; a fork handler registered at exec instead cost every process
// about 3 µs, the C library's code and data pages it touches.
#include <pty.h>
#include <unistd.h>

#include "hook.h"
#include "real_functions.h"
#include "runtime.h"

using namespace kashim;

KASHIM_HOOK pid_t fork() noexcept {
    pid_t child = real_fork();
    if (child == 0) adopt_after_fork();
    return child;
}

// In the daemon it returns in: the caller's fork child (musl's daemon forks twice: a grandchild).
KASHIM_HOOK int daemon(int keep_directory, int keep_descriptors) noexcept {
    int result = real_daemon(keep_directory, keep_descriptors);
    if (result == 0) adopt_after_fork();
    return result;
}

KASHIM_HOOK pid_t forkpty(int* terminal, char* name, const termios* settings, const winsize* size) noexcept {
    pid_t child = real_forkpty(terminal, name, settings, size);
    if (child == 0) adopt_after_fork();
    return child;
}
