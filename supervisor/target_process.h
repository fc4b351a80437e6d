// Reaching into another process: its sockets through pidfd_getfd, its memory through
// process_vm_readv (the supervisor, which checks first that the notification is still pending,
// and `kashim status`).
#pragma once

#include <sys/types.h>

#include <cstddef>
#include <cstdint>

#include "core/socket_plan.h"
#include "unique_fd.h"

namespace kashim {

// A pidfd for `process`, or an empty one with errno set.
UniqueFd open_process(pid_t process);

// A pidfd through which `thread`'s descriptors can be taken, or an empty one. A thread pidfd
// where the kernel has them (Linux 6.9), else one for its process, found through /proc.
UniqueFd open_thread(pid_t thread);

// A duplicate of `process_fd`'s descriptor `fd`, in this process, or an empty one with errno set.
UniqueFd take_descriptor(int process_fd, int fd);

// Reads `length` bytes at `address` of `thread`'s memory; false when not all could be read.
bool read_memory(pid_t thread, uint64_t address, void* buffer, size_t length);

// A socket taken from another process, reached with this process's own getsockopt and
// setsockopt: what the supervisor and the open connections' configuration give the core's
// configure_socket (core/socket_configurator.h) to reach a socket with.
struct TakenSocket {
    int socket;

    bool read_option(int level, int name, int& value) const;
    int write_option(const SocketOption& option) const;  // 0 or the errno
};

}  // namespace kashim
