// Which process kashim's memory describes. A vfork or posix_spawn child runs in its parent's
// memory with a descriptor table of its own: what it closes or redirects before exec must not be
// written there, and it must not load there. A fork child has a copy of its own and takes it over.
#pragma once

namespace kashim {

// Records the calling process as the owner: in the constructor, and in each fork child as fork(),
// daemon() or forkpty() returns there (fork_hooks.cpp). The kernel could tell glibc's fork
// children from vfork children without that (PR_GET_TID_ADDRESS), but not musl's before 1.2.5,
// whose fork() leaves the child no thread-ID address; and a sandbox may kill a forked child for
// asking (Chromium's allows only a few prctl options).
void take_memory_over();

// Whether the memory is this process's. Costs a system call, so callers ask only when there is
// something to write. Async-signal-safe; errno is kept.
bool memory_is_this_process();

}  // namespace kashim
