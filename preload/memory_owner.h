// Which process kashim's memory describes. A vfork or posix_spawn child runs in its parent's
// memory with a descriptor table of its own: what it closes or redirects before exec must not be
// written there, and it must not load there. A fork child has a copy of its own and takes it over.
#pragma once

namespace kashim {

// Chooses how fork children will take the memory over: at their first call that asks, where the
// kernel tells how a process was made; otherwise by a fork handler, which every exec pays two
// page faults in libc to register, and this process is recorded as the owner now. Called while
// loading (see runtime.h).
void record_memory_owner();

// Whether the memory is this process's; a fork child's first call takes it over. Costs a system
// call, so callers ask only when there is something to write. Async-signal-safe; errno is kept.
bool memory_is_this_process();

}  // namespace kashim
