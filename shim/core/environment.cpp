#include "environment.h"

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

}  // namespace

void load_environment(Config& config, EnvLookup lookup, void* context,
                      const char* const* environment, LoadReport& report) {
    for (const SettingName& setting : kSettingNames) {
        // env_name points into a string literal, so it is NUL-terminated.
        const char* value = lookup(context, setting.env_name.data());
        if (value == nullptr) continue;
        if (setting.id == SettingId::Rules) config.rules.count = 0;  // the environment's rules replace the file's
        apply_setting(config, setting.id, value, setting.env_name, report);
    }
    report_unknown_names(environment, report);
}

}  // namespace kashim
