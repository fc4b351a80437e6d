// `kashim --seccomp`: a supervisor process that reaches programs LD_PRELOAD cannot (static and Go
// binaries). The program runs under a seccomp filter that stops it on connect(), listen() and
// keepalive setsockopt() calls; the supervisor takes the very socket with pidfd_getfd, applies the
// same settings and rules as the shim, and lets the call continue. Everything else runs untouched.
#pragma once

#include <string>

#include "core/config.h"
#include "core/socket_plan.h"

namespace kashim {

// Empty when this kernel has what the supervisor needs (seccomp user notification and
// pidfd_getfd, Linux 5.9 or later); otherwise one line saying what is missing.
std::string seccomp_unsupported_reason();

// Runs argv (argv[0] searched in PATH) under the supervisor and returns the status kashim exits
// with: the program's own; when a signal killed it, the same signal is raised on kashim itself.
// 127 when the program is not found, 126 when it cannot run, 125 when the supervisor failed.
// Descendants are followed (the filter is inherited across fork and exec); when the program
// exits first, a background supervisor keeps serving them until the last one is gone.
int run_supervised(char* const argv[], const Config& config, const KernelKeepalive& kernel);

}  // namespace kashim
