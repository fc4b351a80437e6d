#include "environment.h"
#include "load_path.h"

#include <algorithm>

namespace kashim {
namespace {

bool is_known(std::string_view name) {
    for (const SettingName& known : kSettingNames)
        if (known.env_name == name) return true;
    return false;
}

void report_unknown_names(const char* const* environment, LoadReport& report) {
    if (environment == nullptr) return;
    for (const char* const* entry = environment; *entry != nullptr; ++entry) {
        std::string_view text(*entry);
        // string_view::substr could throw, which the shim's C++ runtime-free build cannot link.
        if (std::string_view(text.data(), std::min<size_t>(3, text.size())) != "KA_") continue;
        std::string_view name(text.data(), std::min(text.find('='), text.size()));
        if (is_known(name)) continue;
        MessageText& line = report.add(LogLevel::Warn).add("unknown variable ").add_quoted(name);
        std::string_view suggestion = closest_setting_name(name);
        if (!suggestion.empty()) line.add(" ignored; did you mean ").add(suggestion).add('?');
        else line.add(" ignored");
    }
}

// libkeepalive's variables, honoured when the KA_* one is unset, so its users can switch by
// changing only LD_PRELOAD.
struct LegacyName {
    const char* name;
    SettingId id;
};

constexpr LegacyName kLibkeepaliveNames[] = {
    {"KEEPIDLE", SettingId::Idle},
    {"KEEPINTVL", SettingId::Intvl},
    {"KEEPCNT", SettingId::Cnt},
    {"KEEPALIVE", SettingId::Enable},
};

void apply_legacy(Config& config, SettingId id, EnvLookup lookup, void* context, LoadReport& report) {
    for (const LegacyName& legacy : kLibkeepaliveNames) {
        if (legacy.id != id) continue;
        const char* value = lookup(context, legacy.name);
        if (value == nullptr) return;
        // libkeepalive knows only KEEPALIVE=off; any other value there meant "on", the default.
        std::string_view given = value;
        if (id == SettingId::Enable && given != "off") return;
        if (apply_setting(config, id, given, legacy.name, report))
            report.add(LogLevel::Info).add("honouring libkeepalive's ").add(legacy.name).add('=').add_quoted(given);
        return;
    }
}

}  // namespace

KASHIM_LOAD_PATH void load_environment(Config& config, EnvLookup lookup, void* context,
                      const char* const* environment, LoadReport& report) {
    for (const SettingName& setting : kSettingNames) {
        // env_name points into a string literal, so it is NUL-terminated.
        const char* value = lookup(context, setting.env_name.data());
        if (value == nullptr) {
            apply_legacy(config, setting.id, lookup, context, report);
            continue;
        }
        if (setting.id == SettingId::Rules) {  // the environment's rules replace the file's
            config.rules.count = 0;
            config.rules.overflow_reported = false;
        }
        apply_setting(config, setting.id, value, setting.env_name, report);
    }
    report_unknown_names(environment, report);
}

namespace {

std::string_view variable_name(std::string_view entry) { return entry.substr(0, entry.find('=')); }

bool names_a_setting(std::string_view name) {
    if (name.substr(0, 3) == "KA_") return true;
    for (const LegacyName& legacy : kLibkeepaliveNames)
        if (name == legacy.name) return true;
    return false;
}

}  // namespace

KASHIM_LOAD_PATH KashimInEnvironment read_kashim_in_environment(const char* const* environment) {
    KashimInEnvironment found;
    for (const char* const* entry = environment; entry != nullptr && *entry != nullptr; ++entry) {
        std::string_view text(*entry);
        std::string_view name = variable_name(text);
        if (names_a_setting(name)) found.settings = found.asked = true;
        else if (name == "LD_PRELOAD" && text.find("libkashim") != std::string_view::npos) found.asked = true;
    }
    return found;
}

}  // namespace kashim
