// Which process kashim's memory describes. A vfork or posix_spawn child runs in its parent's
// memory with a descriptor table of its own: what it closes or redirects before exec must not be
// written there, and it must not load there. A fork child has a copy of its own and takes it over.
#pragma once

namespace kashim {

// Records the calling process as the owner: in the constructor, and in each fork child as it is
// known to be one (runtime.h, adopt_after_fork). The kernel could tell glibc's fork children from
// vfork children by their thread-ID address (PR_GET_TID_ADDRESS), but not musl's before 1.2.5,
// whose fork() leaves the child none; and a sandbox may kill a forked child for asking
// (Chromium's allows only a few prctl options).
void take_memory_over();

// Once a process loads or forks: a page the kernel gives each fork child as zeroes but shares with
// a vfork child (MADV_WIPEONFORK, Linux 4.14). A zero there, read by a process that does not own
// the memory, says a fork child before fork() has returned to kashim's hook (in another library's
// fork handler, or a signal handler), or a child of clone() or _Fork(). Without it (an older
// kernel, no memory to spare) only the fork hooks tell. Async-signal-safe.
void mark_fork_children();

enum class MemoryOwner {
    ThisProcess,
    ThisForkChild,  // not yet taken over
    AnotherProcess,  // a vfork child's parent, or not known
};

// Costs a system call, so callers ask only when there is something to write. Async-signal-safe;
// errno is kept.
MemoryOwner memory_owner();

}  // namespace kashim
