// What the operator typed: `kashim [OPTIONS] [--] PROGRAM [ARGS...]`, `kashim status [PID...]`,
// `kashim apply [SETTINGS] PID...`, `kashim attach [SETTINGS] GROUP`, `kashim detach GROUP`,
// `kashim attached`.
// Parsing only; nothing here touches the system.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "setting_options.h"

namespace kashim::cli {

enum class Command { Run, Print, Status, Check, Apply, Attach, Detach, Attached, Help, Version };

// When the seccomp supervisor runs the program instead of LD_PRELOAD.
enum class Supervision {
    Automatic,  // when LD_PRELOAD cannot reach it but the supervisor can (static, Go)
    Always,     // --seccomp
    Never,      // --no-seccomp
};

// The cgroup v2 group attach and detach act on: one of a path, a systemd unit, a process's group.
struct GroupChoice {
    std::string path;  // absolute, or relative to the cgroup2 mount
    std::string unit;  // NAME.service and the like
    int pid = 0;
    bool given() const { return !path.empty() || !unit.empty() || pid != 0; }
};

struct Invocation {
    Command command = Command::Run;
    std::vector<SettingAssignment> settings;  // in the order given
    bool strict = false;                      // an unreachable program is an error, not a warning
    Supervision supervision = Supervision::Automatic;
    std::vector<std::string> program;         // PROGRAM ARGS... (Run, Print)
    bool cgroup = false;                      // --cgroup: run the program in a new group kashim attaches to
    std::vector<int> pids;                    // status: empty means every process using kashim; apply
    bool passive = false;                     // status: read /proc only, never duplicate a socket
    std::string config_file;                  // check: empty means the built-in path
    GroupChoice group;                        // attach, detach
    bool foreground = false;                  // attach: hold the attachment while kashim runs
    bool existing = true;                     // attach: configure the connections already open
};

struct ParseOutcome {
    Invocation invocation;
    std::string error;  // one line without the "kashim: " prefix; empty when parsing succeeded
};

// `args` excludes argv[0]. Values of setting options are checked here too, with the shim's
// messages, so a bad value stops everything before anything runs.
ParseOutcome parse_command_line(const std::vector<std::string_view>& args);

}  // namespace kashim::cli
