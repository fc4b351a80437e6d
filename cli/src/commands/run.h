// The default command, `kashim [OPTIONS] [--] PROGRAM [ARGS...]`: runs PROGRAM with the settings,
// through LD_PRELOAD, the seccomp supervisor or a new cgroup; with --print it shows what PROGRAM
// would get instead, and runs nothing. Its --help is the overview of every command.
#pragma once

#include <string>
#include <vector>

#include "command_line.h"

namespace kashim::cli {

// When the seccomp supervisor runs the program instead of LD_PRELOAD.
enum class Supervision {
    Automatic,  // when LD_PRELOAD cannot reach it but the supervisor can (static, Go)
    Always,     // --seccomp
    Never,      // --no-seccomp
};

struct RunOptions {
    std::vector<SettingAssignment> settings;  // in the order given
    bool print = false;                       // -n, --print: show the effective settings, run nothing
    bool version = false;                     // --version: show it, run nothing
    bool strict = false;                      // an unreachable program is an error, not a warning
    Supervision supervision = Supervision::Automatic;
    bool cgroup = false;                      // run the program in a new group kashim attaches to
    std::vector<std::string> program;         // PROGRAM ARGS...; may be empty with --print
};

// `args` excludes argv[0].
Parsed<RunOptions> parse_run_options(const Arguments& args);

// Returns only when PROGRAM was not run (the exit status) or ran as kashim's child.
int run_command(const Arguments& args);

}  // namespace kashim::cli
