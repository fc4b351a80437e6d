// The settings the shim will load in the wrapped program, read by the shim's own loader
// (sources/) from the environment the program will get.
#pragma once

#include <string>
#include <string_view>

#include "child_environment.h"
#include "core/config.h"

namespace kashim::cli {

// The first problem in the config file at `path`, in the shim's words without its "kashim: "
// prefix; empty when the file is good.
std::string config_file_problem(const std::string& path);

// "curl" for "/usr/bin/curl": the name prog= rules match.
std::string program_short_name(const std::string& program);

// The shim's load for a program whose short name is `program_name` (prog= rules for other
// programs are dropped, as the shim drops them).
void load_effective_config(Config& config, const Environment& child, const std::string& program_name,
                           LoadReport& report);

// Where the value of `id` came from: the variable that set it, or KA_DETECT for the values it
// filled in.
SettingOrigin effective_origin(const Config& config, SettingId id);

// The same as --print and check say it: "from TCP_KEEPIDLE,
// msantos/libkeepalive's name", "from KA_IDLE in the config file", "from KA_DETECT"; empty when
// nothing set it.
std::string origin_text(const Config& config, SettingId id);

// The same for a whole group of programs (the cgroup engine): prog= rules are kept, unmatched.
void load_group_config(Config& config, const Environment& settings, LoadReport& report);

}  // namespace kashim::cli
