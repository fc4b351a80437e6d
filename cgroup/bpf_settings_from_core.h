// The cgroup engine's BPF programs cannot share the core's C++, only its decision table
// (core/keepalive_options.h): they get what the core computed (plans and rules) in their settings
// map, in the layout of bpf_settings.h.
#pragma once

#include <cstdint>
#include <string>

#include "bpf_settings.h"
#include "core/config.h"
#include "core/socket_plan.h"

namespace kashim {

// Fills `out` from the core's config and plans. Returns the one line that says what BPF cannot
// do (a prog= rule), or empty. `group` names the group for `kashim attached`.
std::string bpf_settings_from_core(const Config& config, const PlanSet& plans, const std::string& group,
                                   kashim_bpf_settings& out);

}  // namespace kashim
