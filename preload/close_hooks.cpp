// close(), close_range(), closefrom(), dup2(), dup3(): keep the registry true when a descriptor
// number is released or made to point elsewhere, so a reused number never carries the state of
// the socket that had it before. Forgetting happens before the real close: once the number is
// free another thread may get it from socket() and record its own state. A vfork child's calls
// leave the registry alone: it shares the parent's memory but not the parent's descriptors.
// A watched socket (dead_peer_report.h) is asked how its connection ended before it goes.
#include <linux/close_range.h>
#include <unistd.h>

#include "hook.h"
#include "dead_peer_report.h"
#include "fd_registry.h"
#include "runtime.h"
#include "../log/logger.h"
#include "real_functions.h"

using namespace kashim;

namespace {

// Says a watched socket's dead peer, if it had one, before a call lets go of it.
void say_how_it_ended(int fd) { log_dead_peer(how_it_ended(fd)); }

}  // namespace

KASHIM_HOOK int close(int fd) {
    // Only a configured TCP socket is worth the process-ID system call of the vfork check:
    // forgetting it there would cost the parent's socket its override protection. Any other entry
    // a vfork child forgets is merely found again, with one getsockopt, at the parent's next
    // connect or accept;
    // so closing a UDP or UNIX socket costs no system call beyond the program's own, and neither
    // does closing one that never connected.
    FdState state = fd_registry.get(fd);
    if (state.kind != FdKind::Unknown && (state.kind != FdKind::Managed || memory_is_this_process())) {
        if (state.watched) say_how_it_ended(fd);
        fd_registry.forget(fd);
    }
    return real_close(fd);
}

KASHIM_HOOK int close_range(unsigned first, unsigned last, int flags) noexcept {
    if ((flags & CLOSE_RANGE_CLOEXEC) == 0 && memory_is_this_process()) {
        if (log_wanted(LogLevel::Info)) fd_registry.for_each_watched(first, last, say_how_it_ended);
        fd_registry.forget_range(first, last);
    }
    return real_close_range(first, last, flags);
}

KASHIM_HOOK void closefrom(int lowest) noexcept {
    if (lowest >= 0 && memory_is_this_process()) {
        if (log_wanted(LogLevel::Info)) fd_registry.for_each_watched(static_cast<unsigned>(lowest), ~0U, say_how_it_ended);
        fd_registry.forget_range(static_cast<unsigned>(lowest), ~0U);
    }
    if (auto real = real_closefrom.get()) real(lowest);
}

namespace {

// dup2() and dup3() close `to` silently when it is open: a watched socket there is looked at
// first, and said only once the call has succeeded (a failed one closes nothing).
DeadPeerEnd before_dup(int from, int to) {
    FdState replaced = fd_registry.get(to);
    if (!replaced.watched || from == to || !memory_is_this_process()) return {};
    return how_it_ended(to);
}

int after_dup(int from, int to, const DeadPeerEnd& replaced) {
    if (to < 0) return to;
    log_dead_peer(replaced);
    FdState now = fd_registry.get(from), before = fd_registry.get(to);
    if (!(now == before) && memory_is_this_process())
        fd_registry.set(to, now);
    return to;
}

}  // namespace

KASHIM_HOOK int dup2(int from, int to) noexcept {
    DeadPeerEnd replaced = before_dup(from, to);
    return after_dup(from, real_dup2(from, to), replaced);
}

KASHIM_HOOK int dup3(int from, int to, int flags) noexcept {
    DeadPeerEnd replaced = before_dup(from, to);
    return after_dup(from, real_dup3(from, to, flags), replaced);
}
