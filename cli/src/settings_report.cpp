#include "settings_report.h"

#include <unistd.h>

#include "core/environment.h"
#include "duration_text.h"
#include "effective_config.h"

namespace kashim::cli {
namespace {

constexpr size_t kLabelWidth = 14;

std::string row(std::string_view label, std::string_view value) {
    std::string line(label);
    line.resize(kLabelWidth, ' ');
    return line + std::string(value) + "\n";
}

// Where a variable's value came from: the caller's environment, the command line, or both
// (a --rule adds to the KA_RULES the caller had).
std::string source_of(const SettingOption& option, const ReportInput& input) {
    bool from_command_line = false;
    for (const SettingAssignment& assignment : input.from_command_line)
        from_command_line = from_command_line || assignment.option == &option;
    bool from_environment = input.parent.get(option.env_name).has_value();
    if (!from_command_line) return "environment";
    std::string flag = "--" + option.option;
    return from_environment && option.appends ? "environment and " + flag : flag;
}

// What became of an anchor's variable: its library, and which name won where it did not.
std::string anchor_source(const AnchorVariable& variable, const Config& config) {
    std::string text = "environment, " + std::string(variable.anchor) + "'s name";
    if (variable.unit == AnchorUnit::NotKashims || variable.unit == AnchorUnit::EveryCall) return text + "; not kashim's";
    std::string_view winner = origin_of(config, variable.id).variable;
    if (winner.empty() || winner == variable.name) return text;
    return text + "; " + std::string(winner) + " wins";
}

std::string settings_line(const ReportInput& input, const Config& config) {
    std::string line;
    auto add = [&line](std::string_view name, std::string_view value, const std::string& source) {
        if (!line.empty()) line += ", ";
        line += std::string(name) + "=" + std::string(value) + " (" + source + ")";
    };
    for (const SettingOption& option : setting_options())
        if (std::optional<std::string_view> value = input.child.get(option.env_name))
            add(option.env_name, *value, source_of(option, input));
    for (const AnchorVariable& variable : kAnchorVariables)
        if (std::optional<std::string_view> value = input.child.get(std::string(variable.name)))
            add(variable.name, *value, anchor_source(variable, config));
    return line.empty() ? "none: the shim's defaults" : line;
}

// "30 s (from TCP_KEEPIDLE, msantos/libkeepalive's name)", "7200 s (kernel)".
std::string configured_value(const std::optional<int>& configured, int kernel_value, std::string_view unit,
                             const std::string& origin) {
    std::string text = std::to_string(configured.value_or(kernel_value)) + std::string(unit);
    if (!configured) return text + (origin.empty() ? " (kernel)" : " (kernel, " + origin + ")");
    return origin.empty() ? text : text + " (" + origin + ")";
}

std::string with_origin(std::string text, const std::string& origin) {
    return origin.empty() ? text : text + " (" + origin + ")";
}

// The variable that turned keepalive off: KA_ENABLE=0 stops the load before anything is recorded.
std::string disabled_by(const Config& config) {
    SettingOrigin origin = origin_of(config, SettingId::Enable);
    if (origin.variable.empty()) return "KA_ENABLE";
    std::string text(origin.variable);
    return origin.anchor.empty() ? text : text + ", " + std::string(origin.anchor) + "'s name";
}

std::string user_timeout_text(const KeepaliveSettings& settings, const KernelKeepalive& kernel) {
    uint32_t millis = effective_user_timeout_ms(settings, kernel);
    if (millis == 0) return "kernel default";
    std::string text = seconds_text(millis);
    return settings.user_timeout.kind == UserTimeoutSetting::Kind::Auto ? text + " (auto: idle + intvl x cnt)" : text;
}

std::string detection_text(const KeepaliveSettings& settings, const KernelKeepalive& kernel) {
    DetectionBound bound = detection_bound(settings, kernel);
    std::string text = "within " + seconds_text(bound.idle_ms) + " idle, ";
    if (bound.in_flight_ms == 0) return text + "only after the retransmission timeout (tcp_retries2) with data in flight";
    return text + seconds_text(bound.in_flight_ms) + " with data in flight";
}

// "addr=10.0.0.0/8 idle=5s: within 8 s idle, 20 s with data in flight" (the shim's own words for
// the rule, then what it means once laid over the global settings).
std::string rule_text(const Rule& rule, const KeepaliveSettings& global, const KernelKeepalive& kernel) {
    MessageText written;
    describe_rule(rule, written);
    std::string text(written.view());
    if (rule.off) return text + ": no keepalive from kashim";
    return text + ": " + detection_text(layered(global, expand_detect(rule.settings)), kernel);
}

// The file the library would look for: KA_CONFIG, else the built-in path; none when KA_CONFIG is
// empty (the library records only a file it read).
std::string config_file_text(const Environment& child) {
    std::string path(child.get("KA_CONFIG").value_or(KASHIM_SYSTEM_CONFIG_PATH));
    if (path.empty()) return "none";
    return access(path.c_str(), F_OK) == 0 ? path : path + " (not present)";
}


std::string program_text(const ReportInput& input) {
    if (!input.inspection) return *input.program + ": not found (running it would fail with 127)";
    const Inspection& inspection = *input.inspection;
    if (input.supervised)
        return inspection.path + ": " + inspection.description +
               "; LD_PRELOAD cannot reach it, kashim's seccomp supervisor does (--no-seccomp: don't)";
    if (!inspection.barriers.empty()) return describe_barriers(inspection);
    return inspection.path + ": " + inspection.description + "; LD_PRELOAD reaches it";
}

}  // namespace

std::string settings_report(const ReportInput& input) {
    // The shim's own loader reads what the program would see, so --print cannot disagree with it.
    Config config;
    LoadReport problems;
    load_effective_config(config, input.child, input.program ? program_short_name(*input.program) : "", problems);

    std::string text;
    text += row("library", *input.library.path + " (" + input.library.found_by + ")");
    text += row("LD_PRELOAD", input.child.get("LD_PRELOAD").value_or(""));
    text += row("config file", config_file_text(input.child));
    text += row("settings", settings_line(input, config));
    KeepaliveSettings global = expand_detect(config.keepalive);
    if (!config.enabled) {
        text += row("keepalive", "disabled (" + disabled_by(config) + "): every socket keeps what the program sets");
    } else {
        text += row("keepalive", "on, policy " + std::string(policy_name(config.policy)));
        text += row("idle", configured_value(global.idle_s, input.kernel.idle_s, " s", origin_text(config, SettingId::Idle)));
        text += row("interval",
                    configured_value(global.intvl_s, input.kernel.intvl_s, " s", origin_text(config, SettingId::Intvl)));
        text += row("count", configured_value(global.cnt, input.kernel.cnt, "", origin_text(config, SettingId::Cnt)));
        text += row("user timeout",
                    with_origin(user_timeout_text(global, input.kernel), origin_text(config, SettingId::UserTimeout)));
        text += row("detection", detection_text(global, input.kernel));
        if (config.rules.count == 0) text += row("rules", "none");
        for (size_t i = 0; i < config.rules.count; ++i)
            text += row(i == 0 ? "rules" : "", std::to_string(i + 1) + ". " +
                                                   rule_text(config.rules.rules[i], global, input.kernel));
    }
    std::string log_target = config.log_file.size() != 0 ? std::string(config.log_file.view()) : "stderr";
    text += row("log", with_origin(std::string(log_level_name(config.log_level)) + " to " + log_target,
                                   origin_text(config, SettingId::Log)));
    if (input.program) text += row("program", program_text(input));
    // The loader's info lines ("honouring TCP_KEEPIDLE") are what the rows above already say.
    for (size_t i = 0; i < problems.count(); ++i)
        if (problems.level(i) <= LogLevel::Warn) text += row("problem", problems.text(i));
    return text;
}

}  // namespace kashim::cli
