// What the commands that attach kashim's BPF programs to a group share (attach, --cgroup, drill):
// the settings loaded as for a group, and the BPF side of them for a group. Built only with the
// cgroup engine.
#pragma once

#include <string>
#include <vector>

#include "bpf_settings.h"
#include "cgroup_location.h"
#include "core/config.h"
#include "core/socket_plan.h"
#include "setting_options.h"

namespace kashim::cli {

// The settings an attach carries: its options over kashim's own environment and config file,
// loaded as for a group (prog= rules are kept, so they can be refused).
struct GroupSettings {
    Config config;
    KernelKeepalive kernel;
    PlanSet plans;
};

// Its problems and its info line go where every engine's go: the log file when one is set.
GroupSettings load_group_settings(const std::vector<SettingAssignment>& from_command_line);

// "active, policy cap: keepalive on idle 1 s, ...; a dead peer is noticed within 3 s when idle, ..."
std::string describe(const GroupSettings& settings);

// The group and the BPF side of the settings, or a problem (exit 125, nothing attached).
struct Prepared {
    std::string problem;
    std::string mount, directory;
    GroupSettings settings;
    kashim_bpf_settings bpf{};
};

Prepared prepare(const GroupSettings& settings, const GroupTarget& target);

}  // namespace kashim::cli
