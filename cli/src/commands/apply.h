// `kashim apply [SETTINGS] PID...`: the connections each process has open now get the settings,
// as if kashim had seen them made.
#pragma once

#include <vector>

#include "command_line.h"
#include "commands/subcommands.h"

namespace kashim::cli {

struct ApplyOptions {
    std::vector<SettingAssignment> settings;  // in the order given
    std::vector<int> pids;                    // at least one
};

Parsed<ApplyOptions> parse_apply_options(const Arguments& args);

extern const Subcommand kApplyCommand;

}  // namespace kashim::cli
