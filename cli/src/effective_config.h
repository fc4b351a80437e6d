// The settings the shim will load in the wrapped program, found the way the shim finds them:
// the config file (KA_CONFIG, else the system one), then the KA_* variables over it.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "child_environment.h"
#include "core/config.h"

namespace kashim::cli {

// The config file's text as the shim would take it; problems go to `report` in the shim's words.
// A file that is missing is only a problem when the operator named it.
std::string read_config_file(const std::string& path, bool named_by_operator, LoadReport& report);

// The first problem in the config file at `path`, without the "kashim: " prefix; empty when none.
std::string config_file_problem(const std::string& path);

// The shim's load, in its order, for a program called `program_name` (empty: not known, and
// prog= rules are kept as they are).
void load_effective_config(Config& config, const Environment& child, std::string_view program_name,
                           LoadReport& report);

}  // namespace kashim::cli
