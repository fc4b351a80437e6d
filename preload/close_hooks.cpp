// close(), close_range(), closefrom(), dup2(), dup3(): keep the registry true when a descriptor
// number is released or made to point elsewhere, so a reused number never carries the state of
// the socket that had it before. Forgetting happens before the real close: once the number is
// free another thread may get it from socket() and record its own state. A vfork child's calls
// leave the registry alone: it shares the parent's memory but not the parent's descriptors.
#include <linux/close_range.h>
#include <unistd.h>

#include "hook.h"
#include "fd_registry.h"
#include "real_functions.h"

using namespace kashim;

KASHIM_HOOK int close(int fd) {
    // Only a configured TCP socket is worth the getpid() of the vfork check: forgetting it there
    // would cost the parent's socket its override protection. Any other entry a vfork child
    // forgets is merely found again, with one getsockopt, at the parent's next connect or accept;
    // so closing a UDP or UNIX socket costs no system call beyond the program's own.
    FdKind kind = fd_registry.get(fd).kind;
    if (kind != FdKind::Unknown && (kind != FdKind::Managed || fd_registry.describes_this_process()))
        fd_registry.forget(fd);
    return real_close(fd);
}

KASHIM_HOOK int close_range(unsigned first, unsigned last, int flags) noexcept {
    if ((flags & CLOSE_RANGE_CLOEXEC) == 0 && fd_registry.describes_this_process())
        fd_registry.forget_range(first, last);
    return real_close_range(first, last, flags);
}

KASHIM_HOOK void closefrom(int lowest) noexcept {
    if (lowest >= 0 && fd_registry.describes_this_process()) fd_registry.forget_range(static_cast<unsigned>(lowest), ~0U);
    if (auto real = real_closefrom.get()) real(lowest);
}

namespace {

int after_dup(int from, int to) {
    if (to < 0) return to;
    FdState now = fd_registry.get(from), before = fd_registry.get(to);
    if ((now.kind != before.kind || now.options != before.options) && fd_registry.describes_this_process())
        fd_registry.set(to, now);
    return to;
}

}  // namespace

KASHIM_HOOK int dup2(int from, int to) noexcept { return after_dup(from, real_dup2(from, to)); }

KASHIM_HOOK int dup3(int from, int to, int flags) noexcept { return after_dup(from, real_dup3(from, to, flags)); }
