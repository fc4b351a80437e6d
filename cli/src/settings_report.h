// `kashim --print`: what the wrapped program would get, computed by the shim's own loader from
// the environment it would see, without running anything.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "child_environment.h"
#include "core/socket_plan.h"
#include "library_location.h"
#include "target_inspection.h"

namespace kashim::cli {

struct ReportInput {
    const Environment& parent;  // the caller's environment
    const Environment& child;   // what the program would get
    const std::vector<SettingAssignment>& from_command_line;
    const LibrarySearch& library;
    const KernelKeepalive& kernel;
    std::optional<std::string> program;    // as typed; empty when none was given
    std::optional<Inspection> inspection;  // empty when the program was not found
    bool supervised = false;               // the seccomp supervisor would run it, not LD_PRELOAD
};

std::string settings_report(const ReportInput& input);

}  // namespace kashim::cli
