// The command line's setting options, derived from the shim's own table of KA_* names, so every
// setting the shim learns becomes an option here too, checked by the same validating setter.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/config.h"

namespace kashim::cli {

struct SettingOption {
    std::string option;    // "idle" for --idle
    std::string env_name;  // "KA_IDLE"
    SettingId id;
    // Each use adds one entry to the variable instead of replacing it (--rule and KA_RULES).
    bool appends = false;
};

// A setting option as given on the command line, with its value.
struct SettingAssignment {
    const SettingOption* option;
    std::string value;
};

// Every setting option, in the order of kSettingNames.
const std::vector<SettingOption>& setting_options();

// The option for "--NAME" written without its dashes, or null.
const SettingOption* find_setting_option(std::string_view option);

// The separator between the entries of an appending variable.
constexpr char kListSeparator = ';';

// Checks `value` with the shim's own setter. Returns the shim's message ("--idle=...") when the
// value is bad, nothing when it is good.
std::optional<std::string> setting_problem(const SettingOption& option, std::string_view value);

// The report's first line without the "kashim: " every shim message starts with; empty if none.
std::string first_problem(const LoadReport& report);

// "--idle" for a near miss such as "--idel", or empty.
std::string closest_option(std::string_view unknown);

}  // namespace kashim::cli
