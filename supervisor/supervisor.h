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

// Becomes argv[0] (searched in PATH, with `environment`) under the filter, served by a detached
// supervisor (runner/in_place.h): returns only when that fails, with 125 when the supervisor or
// its filter failed, 127 when the program is not found, 126 when it cannot run. Descendants are
// followed (the filter is inherited across fork and exec), and the supervisor serves until the
// last of them is gone.
int run_supervised(char* const argv[], char* const environment[], const Config& config,
                   const KernelKeepalive& kernel);

}  // namespace kashim
