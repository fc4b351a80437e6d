// Cgroup mode from the command side: what attach, detach, attached, stats, drill, `kashim --cgroup
// -- PROGRAM` and status ask of the cgroup engine (cgroup/). Built with or without the engine
// (cgroup_mode_unavailable.cpp says why not).
#pragma once

#include <string>
#include <vector>

#include "commands/attach.h"
#include "commands/attached.h"
#include "commands/detach.h"
#include "commands/drill.h"
#include "commands/stats.h"
#include "setting_options.h"

namespace kashim::cli {

int attach_to_group(const AttachOptions& options);
int detach_from_group(const DetachOptions& options);
int list_attached_groups(const AttachedOptions& options);
int show_stats(const StatsOptions& options);

// Runs `program` in a new group of its own, attached, and removes the group at its end.
int run_in_new_group(const std::vector<SettingAssignment>& from_command_line, const std::vector<std::string>& program);

// kashim drill: PROG in a scratch group, its connections cut and followed (drill_mode.cpp).
int run_drill(const DrillOptions& options);

// The group kashim is attached to that holds process `pid` (its own or an ancestor), or empty.
std::string attached_group_of(int pid);

}  // namespace kashim::cli
