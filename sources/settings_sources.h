// Where kashim's settings come from and in which order, for all three engines alike (the preload
// shim, the seccomp supervisor, cgroup mode): built-in defaults, then the config file, then the
// environment, then the rules that cannot apply to this program dropped (cgroup mode, serving a
// whole group, keeps them: see load_settings). These read files; the decisions stay in the core.
#pragma once

#include "../core/config.h"
#include "../core/environment.h"
#include "../core/socket_plan.h"

namespace kashim {

// Room for the config file's text while it is read and parsed; a longer file's tail is ignored, and
// said. The caller provides it: the preload engine's first load may run on a small thread or
// signal stack, and maps it with the rest of what a load builds (preload/runtime.h).
struct ConfigFileText {
    char bytes[64 * 1024];
};

// `secure`: a setuid/setgid program, whose environment is not trusted; only the built-in config
// file is read then. `program` is the short name prog= rules are matched against; null for an
// engine that serves a whole group of programs, which keeps the prog= rules for its caller to see.
void load_settings(Config& config, EnvLookup lookup, void* context, const char* const* environment, bool secure,
                   const char* program, LoadReport& report, ConfigFileText& room);

// The net.ipv4.tcp_keepalive_* values, or the kernel's documented defaults where unreadable.
KernelKeepalive read_kernel_keepalive();

}  // namespace kashim
