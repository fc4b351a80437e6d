// `kashim drill [SETTINGS] [--bare] [--cut-after DURATION] [--within DURATION] [--json] -- PROG
// [ARGS...]`: proves that PROG notices a dead peer within its bound. PROG runs in a scratch cgroup
// v2 group with kashim's settings attached (or none, --bare); once it has a connection, the
// group's TCP traffic is cut both ways, and each connection open at the cut is followed to its
// end or to --within.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "command_line.h"
#include "commands/subcommands.h"

namespace kashim::cli {

constexpr uint64_t kDrillDefaultCutAfterMs = 2000;

struct DrillOptions {
    std::vector<SettingAssignment> settings;  // in the order given
    bool bare = false;                        // attach no settings: the baseline
    uint64_t cut_after_ms = kDrillDefaultCutAfterMs;  // from PROG's first ESTABLISHED connection
    std::optional<uint64_t> within_ms;        // from the cut; default: the settings' bound + a margin
    bool json = false;
    std::vector<std::string> program;
};

Parsed<DrillOptions> parse_drill_options(const Arguments& args);

extern const Subcommand kDrillCommand;

}  // namespace kashim::cli
