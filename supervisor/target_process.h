// Reaching into a supervised program: its sockets through pidfd_getfd, its memory through
// process_vm_readv. Both need the notification still pending, which the caller checks.
#pragma once

#include <sys/types.h>

#include <cstddef>
#include <cstdint>

#include "unique_fd.h"

namespace kashim {

// A pidfd through which `thread`'s descriptors can be taken, or an empty one. A thread pidfd
// where the kernel has them (Linux 6.9), else one for its process, found through /proc.
UniqueFd open_thread(pid_t thread);

// A duplicate of `process_fd`'s descriptor `fd`, in this process.
UniqueFd take_descriptor(int process_fd, int fd);

// Reads `length` bytes at `address` of `thread`'s memory; false when not all could be read.
bool read_memory(pid_t thread, uint64_t address, void* buffer, size_t length);

}  // namespace kashim
