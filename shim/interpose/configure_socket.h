// Putting the operator's settings on one socket, shared by every hook that finds a TCP socket.
#pragma once

#include <sys/socket.h>

#include "fd_registry.h"
#include "runtime.h"

namespace kashim {

// Applies the plan to a socket known to be TCP and records it as Managed. Keeps errno; a
// failing setsockopt is logged once per option for the whole process, never per socket.
// `event` and `peer` (may be null) only describe the socket in the debug line.
void configure_tcp_socket(int fd, const Runtime& runtime, const char* event, const sockaddr* peer,
                          socklen_t peer_length);

// For a socket kashim did not see being made (inherited, raw syscall, libc-internal): asks the
// kernel once whether it is TCP, configures it if so, and records the answer either way.
// Returns the state after the call.
FdState configure_if_unknown(int fd, const Runtime& runtime, const char* event, const sockaddr* peer,
                             socklen_t peer_length);

}  // namespace kashim
