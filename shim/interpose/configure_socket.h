// Putting the operator's settings on sockets, shared by every hook that finds a TCP socket.
#pragma once

#include <sys/socket.h>

#include "fd_registry.h"
#include "runtime.h"

namespace kashim {

// A socket kashim did not see being made (inherited, raw syscall, libc-internal): asks the
// kernel once whether it is TCP and records it as Pending or NotManaged. Other states are
// returned as they are. Keeps errno.
FdState discover(int fd);

// Applies `plan` (all but the options in `skip`) to a TCP socket and records it as Managed, or
// as NotManaged for an empty plan (a rule said off). Keeps errno; a failing setsockopt is logged
// once per option for the whole process. `event`, `peer` and `rule` only feed the debug line.
void configure(int fd, const SocketPlan& plan, uint8_t skip, const char* event, const sockaddr* peer,
               socklen_t peer_length, int rule);

// Chooses the plan for `connection` (the first matching rule, or the global settings) and
// configures `fd` with it, sparing what a Pending socket's program set under the respect policy.
void configure_connection(int fd, FdState state, const Runtime& runtime, const Connection& connection,
                          const char* event);

}  // namespace kashim
