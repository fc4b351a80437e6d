#include "setting_options.h"

#include <cctype>

namespace kashim::cli {
namespace {

constexpr std::string_view kEnvPrefix = "KA_";

// KA_RULES is a list: its option is singular and adds one rule each time it is used.
constexpr std::string_view kRulesVariable = "KA_RULES";
constexpr std::string_view kRuleOption = "rule";

std::string option_for(std::string_view env_name) {
    if (env_name == kRulesVariable) return std::string(kRuleOption);
    std::string option(env_name.substr(kEnvPrefix.size()));
    for (char& c : option) c = c == '_' ? '-' : static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return option;
}

std::string env_name_for(std::string_view option) {
    if (option == kRuleOption) return std::string(kRulesVariable);
    std::string name(kEnvPrefix);
    for (char c : option) name += c == '-' ? '_' : static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    return name;
}

std::vector<SettingOption> build_options() {
    std::vector<SettingOption> options;
    for (const SettingName& known : kSettingNames)
        options.push_back({option_for(known.env_name), std::string(known.env_name), known.id,
                           known.env_name == kRulesVariable});
    return options;
}

}  // namespace

const std::vector<SettingOption>& setting_options() {
    static const std::vector<SettingOption> options = build_options();
    return options;
}

const SettingOption* find_setting_option(std::string_view option) {
    for (const SettingOption& candidate : setting_options())
        if (candidate.option == option) return &candidate;
    return nullptr;
}

std::optional<std::string> setting_problem(const SettingOption& option, std::string_view value) {
    Config scratch;
    LoadReport report;
    std::string label = "--" + option.option;
    if (apply_setting(scratch, option.id, value, label, report)) return std::nullopt;
    if (report.count() == 0) return label + ": invalid value";
    return first_problem(report);
}

std::string first_problem(const LoadReport& report) {
    constexpr std::string_view kShimPrefix = "kashim: ";
    if (report.count() == 0) return {};
    std::string_view line = report.text(0);
    if (line.substr(0, kShimPrefix.size()) == kShimPrefix) line.remove_prefix(kShimPrefix.size());
    return std::string(line);
}

std::string closest_option(std::string_view unknown) {
    // Too short to tell a typo from a guess: every name is a few edits away from "x".
    constexpr size_t kShortestGuessable = 3;
    if (unknown.size() < kShortestGuessable) return {};
    // The core already knows how to find the nearest KA_* name; options are those names respelled.
    std::string_view nearest = closest_setting_name(env_name_for(unknown));
    return nearest.empty() ? std::string() : "--" + option_for(nearest);
}

}  // namespace kashim::cli
