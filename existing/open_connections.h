// Connections that are already open: a running process's TCP sockets, taken one at a time with
// pidfd_getfd and configured as the core decides, as if kashim had seen them being made. What
// `kashim apply PID` does, and what `kashim attach` does for the processes already in the group.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <functional>
#include <map>
#include <string>

#include "core/config.h"
#include "core/socket_plan.h"

namespace kashim {

// The socket descriptors of `pid`, by number, with their inodes; `problem` says why none could
// be listed.
std::map<int, uint64_t> socket_descriptors(pid_t pid, std::string& problem);

// One configured socket, for the caller to print: "fd 5 connected to 192.0.2.1:80: set ...".
using ConfiguredLine = std::function<void(const std::string& line)>;

// The socket as a descriptor of this process, told to the caller before it is configured
// (`configured` false) and after, with what it carries: the cgroup engine's programs must let
// kashim's own calls through, then know the socket was configured.
using ConfiguredSocket = std::function<void(int socket, bool configured, int rule, uint8_t pinned)>;

struct OpenConnectionsResult {
    int configured = 0;   // TCP sockets given the plan (an "off" rule counts: it was decided)
    std::string problem;  // why the process could not be reached; empty when it could
};

// Configures every TCP socket `pid` has open: listeners (their future connections inherit),
// accepted connections (by their local port, as inbound), and outgoing ones (by their peer).
// What the program already set is weighed under the policy as at connect: the options whose
// values differ from the kernel's defaults count as its own choices.
OpenConnectionsResult configure_open_connections(pid_t pid, const Config& config, const PlanSet& plans,
                                                 const KernelKeepalive& kernel, const ConfiguredLine& say,
                                                 const ConfiguredSocket& configured = nullptr);

}  // namespace kashim
