// Putting the operator's settings on sockets, shared by every hook that finds a TCP socket: the
// facts are gathered here, the decision is the core's (core/socket_configurator.h).
#pragma once

#include <sys/socket.h>

#include "fd_registry.h"
#include "runtime.h"

namespace kashim {

// A socket kashim did not see being made (inherited, raw syscall, libc-internal): asks the
// kernel once whether it is TCP and records it as Pending or NotManaged. Other states are
// returned as they are. Keeps errno.
FdState discover(int fd);

// Configures TCP socket `fd` for `connection` (made, listening, connecting or accepted) and
// records it as Managed, or as NotManaged when its rule says off. What a Pending socket's program
// set before is weighed under the policy. A failing setsockopt is logged once per option for the
// whole process. Keeps errno; `event` names the moment for the debug line.
void configure_connection(int fd, FdState state, const Runtime& runtime, const Connection& connection,
                          const char* event);

}  // namespace kashim
