#include "environment.h"
#include "load_path.h"

#include <algorithm>

#include "duration.h"

namespace kashim {

KASHIM_LOAD_PATH const AnchorVariable* find_anchor_variable(std::string_view name) {
    for (const AnchorVariable& variable : kAnchorVariables)
        if (variable.name == name) return &variable;
    return nullptr;
}

std::string_view setting_env_name(SettingId id) {
    for (const SettingName& setting : kSettingNames)
        if (setting.id == id) return setting.env_name;
    return {};
}

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

// An anchor's number as its library's atoi read it, but whole: an optional '-', then digits.
bool parse_plain_integer(std::string_view text, int64_t& value) {
    bool negative = !text.empty() && text.front() == '-';
    ParsedNumber parsed = parse_count(negative ? std::string_view(text.data() + 1, text.size() - 1) : text);
    if (parsed.error != NumberError::None || parsed.value > kMaxUserTimeoutMillis) return false;
    value = negative ? -static_cast<int64_t>(parsed.value) : static_cast<int64_t>(parsed.value);
    return true;
}

enum class Outcome { NotASetting, Applied, Bad };

// The one line for a bad value: the variable, and what its library's name accepts in kashim.
Outcome bad_value(const AnchorVariable& variable, std::string_view value, std::string_view accepted,
                  LoadReport& report) {
    report.add(LogLevel::Warn).add(variable.name).add('=').add_quoted(value).add(" ignored: ")
        .add(variable.anchor).add("'s ").add(variable.name).add(" takes ").add(accepted);
    return Outcome::Bad;
}

// Seconds or a count (0: the kernel's value) into idle, intvl or cnt.
Outcome apply_number(Config& config, const AnchorVariable& variable, std::string_view value, LoadReport& report) {
    KeepaliveSettings& keepalive = config.keepalive;
    std::optional<int>& slot = variable.id == SettingId::Idle    ? keepalive.idle_s
                               : variable.id == SettingId::Intvl ? keepalive.intvl_s
                                                                 : keepalive.cnt;
    int max = variable.id == SettingId::Idle    ? kMaxKeepIdleSeconds
              : variable.id == SettingId::Intvl ? kMaxKeepIntvlSeconds
                                                : kMaxKeepCount;
    int64_t number = 0;
    if (!parse_plain_integer(value, number) || number < 0 || number > max) {
        MessageText accepted;
        accepted.add(variable.unit == AnchorUnit::Seconds ? "whole seconds, 1 to " : "a count, 1 to ")
            .add_unsigned(static_cast<uint64_t>(max)).add(", or 0 for the kernel's value");
        return bad_value(variable, value, accepted.view(), report);
    }
    if (number == 0) slot.reset();
    else slot = static_cast<int>(number);
    return Outcome::Applied;
}

Outcome apply_user_timeout_millis(Config& config, const AnchorVariable& variable, std::string_view value,
                                  LoadReport& report) {
    int64_t number = 0;
    if (!parse_plain_integer(value, number) || number < -1) {
        return bad_value(variable, value,
                         "milliseconds, 1 to 2147483647, 0 for the kernel's value or -1 for idle + intvl x cnt",
                         report);
    }
    UserTimeoutSetting& slot = config.keepalive.user_timeout;
    if (number == -1) slot = {UserTimeoutSetting::Kind::Auto, 0};
    else if (number == 0) slot = {UserTimeoutSetting::Kind::Off, 0};
    else slot = {UserTimeoutSetting::Kind::Millis, static_cast<uint32_t>(number)};
    return Outcome::Applied;
}

// Applies one anchor's variable, read as its library documents it.
Outcome apply_anchor(Config& config, const AnchorVariable& variable, std::string_view value, LoadReport& report) {
    switch (variable.unit) {
        case AnchorUnit::KashimSyntax:
            return apply_setting(config, variable.id, value, variable.name, report) ? Outcome::Applied : Outcome::Bad;
        case AnchorUnit::BusattoSwitch:  // libkeepalive knows only KEEPALIVE=off; all else meant on
            if (value != "off") return Outcome::NotASetting;
            config.enabled = false;
            return Outcome::Applied;
        case AnchorUnit::Seconds:
        case AnchorUnit::Count:
            return apply_number(config, variable, value, report);
        case AnchorUnit::Millis:
            return apply_user_timeout_millis(config, variable, value, report);
        case AnchorUnit::Switch:
            if (std::optional<bool> on = parse_switch(value)) {
                config.enabled = *on;
                return Outcome::Applied;
            }
            return bad_value(variable, value, "1 (keepalive on, the default) or 0 (off: kashim leaves sockets alone)",
                             report);
        case AnchorUnit::AnyValueDebug:
            config.log_level = LogLevel::Debug;
            return Outcome::Applied;
        case AnchorUnit::SwitchDebug:
            if (std::optional<bool> on = parse_switch(value)) {
                if (!*on) return Outcome::NotASetting;
                config.log_level = LogLevel::Debug;
                return Outcome::Applied;
            }
            return bad_value(variable, value, "1 (kashim's debug log) or 0", report);
        case AnchorUnit::NotKashims:
        case AnchorUnit::EveryCall:
            return Outcome::NotASetting;
    }
    return Outcome::NotASetting;
}

bool gives_a_setting(const AnchorVariable& variable) {
    return variable.unit != AnchorUnit::NotKashims && variable.unit != AnchorUnit::EveryCall;
}

// The anchors' variables for one setting, where its KA_* one did not settle it (`winner` empty).
void apply_anchors(Config& config, SettingId id, std::string_view winner, EnvLookup lookup, void* context,
                   LoadReport& report) {
    for (const AnchorVariable& variable : kAnchorVariables) {
        if (variable.id != id || !gives_a_setting(variable)) continue;
        const char* value = lookup(context, variable.name.data());  // a literal: NUL-terminated
        if (value == nullptr) continue;
        if (!winner.empty()) {
            report.add(LogLevel::Info).add(variable.name).add('=').add_quoted(value).add(" (")
                .add(variable.anchor).add("'s) not used: ").add(winner).add(" wins");
            continue;
        }
        if (apply_anchor(config, variable, value, report) != Outcome::Applied) continue;
        origin_of(config, id) = {variable.name, variable.anchor, false};
        winner = variable.name;
        report.add(LogLevel::Info).add("honouring ").add(variable.name).add('=').add_quoted(value).add(", ")
            .add(variable.anchor).add("'s name for ").add(setting_env_name(id));
    }
}

bool asks_for_nothing(const AnchorVariable& variable, std::string_view value) {
    // msantos/libkeepalive's 0 is the system default; libdontdie reads the environment once
    // unless DD_EVAL_ENVIRONMENT_ONCE starts with 0.
    if (variable.unit == AnchorUnit::EveryCall) return value.empty() || value.front() != '0';
    return value == "0";
}

// One line per library for the variables it honours and kashim does not: they name what the
// operator wanted, and which of kashim's settings gives it, or what it does instead.
void report_not_kashims(EnvLookup lookup, void* context, LoadReport& report) {
    for (std::string_view anchor : {kLibdontdie, kMsantosLibkeepalive}) {
        MessageText names;
        SettingId instead = SettingId::Detect;
        size_t count = 0;
        for (const AnchorVariable& variable : kAnchorVariables) {
            if (variable.anchor != anchor || gives_a_setting(variable)) continue;
            const char* value = lookup(context, variable.name.data());
            if (value == nullptr || asks_for_nothing(variable, value)) continue;
            if (count++ != 0) names.add(", ");
            names.add(variable.name).add('=').add_quoted(value, 16);
            instead = variable.id;
        }
        if (count == 0) continue;
        MessageText& line = report.add(LogLevel::Warn).add(names.view()).add(" (").add(anchor).add("'s) ignored: ");
        if (instead == SettingId::Rules)
            line.add("kashim reads the environment once, at start; KA_RULES gives connections different settings");
        else
            line.add("kashim sets keepalive options only; KA_DETECT bounds connect() too, through the user timeout");
    }
}

}  // namespace

KASHIM_LOAD_PATH void load_environment(Config& config, EnvLookup lookup, void* context,
                      const char* const* environment, LoadReport& report) {
    for (const SettingName& setting : kSettingNames) {
        // env_name points into a string literal, so it is NUL-terminated.
        const char* value = lookup(context, setting.env_name.data());
        std::string_view winner;
        if (value != nullptr) {
            if (setting.id == SettingId::Rules) {  // the environment's rules replace the file's
                config.rules.count = 0;
                config.rules.overflow_reported = false;
            }
            if (apply_setting(config, setting.id, value, setting.env_name, report)) {
                origin_of(config, setting.id) = {setting.env_name, {}, false};
                winner = setting.env_name;
            }
        }
        // A bad KA_* value is as if unset: an anchor's good one still gives the setting.
        apply_anchors(config, setting.id, winner, lookup, context, report);
    }
    report_not_kashims(lookup, context, report);
    report_unknown_names(environment, report);
}

KASHIM_LOAD_PATH const char* variable_value(const char* const* environment, std::string_view name) {
    for (const char* const* entry = environment; entry != nullptr && *entry != nullptr; ++entry) {
        const char* text = *entry;
        size_t matched = 0;
        while (matched < name.size() && text[matched] == name[matched]) ++matched;  // stops at the NUL
        if (matched == name.size() && text[matched] == '=') return text + matched + 1;
    }
    return nullptr;
}

namespace {

KASHIM_LOAD_PATH bool is_debug(const AnchorVariable& variable) {
    return variable.unit == AnchorUnit::AnyValueDebug || variable.unit == AnchorUnit::SwitchDebug;
}

// Character by character, so that the compiler calls no memcmp from the C library, whose page a
// trivial program's start has not touched.
inline __attribute__((always_inline)) bool starts_with(const char* text, std::string_view prefix) {
#pragma GCC unroll 16  // the prefix's characters become constants in the code, not reads of .rodata
    for (size_t i = 0; i < prefix.size(); ++i)
        if (text[i] != prefix[i]) return false;  // a NUL in text differs from every prefix character
    return true;
}

// The prefixes of every name kashim reads settle nearly every variable an environment holds
// (PATH, HOME, LIBRARY_PATH...) without reading the anchors' names, which lie on a page of
// constants a start need not touch.
KASHIM_LOAD_PATH bool may_be_kashims(const char* entry) {
    return starts_with(entry, "KA_") || starts_with(entry, "KEEP") || starts_with(entry, "DD_") ||
           starts_with(entry, "TCP_") || starts_with(entry, "LIBK");
}

KASHIM_LOAD_PATH size_t name_length(const char* entry) {
    size_t length = 0;
    while (entry[length] != '\0' && entry[length] != '=') ++length;
    return length;
}

KASHIM_LOAD_PATH bool preloads_kashim(const char* entry) {
    if (!starts_with(entry, "LD_PRELOAD=")) return false;
    for (const char* at = entry; *at != '\0'; ++at)
        if (starts_with(at, "libkashim")) return true;
    return false;
}

// Copied and measured in one loop: a loop that only measured would be compiled into strlen.
KASHIM_LOAD_PATH void keep(const char* entry, KashimVariables& kept) {
    char* copy = kept.text + kept.text_used;
    size_t room = sizeof kept.text - kept.text_used;
    size_t copied = 0;
    while (copied < room && (copy[copied] = entry[copied]) != '\0') ++copied;
    if (kept.count == KashimVariables::kMaxCount || copied == room) {
        kept.complete = false;  // what was copied lies beyond text_used, unused
        return;
    }
    kept.text_used += copied + 1;
    kept.entries[kept.count++] = copy;
}

}  // namespace

KASHIM_LOAD_PATH void keep_kashim_variables(const char* const* environment, KashimVariables& kept) {
    for (const char* const* entry = environment; entry != nullptr && *entry != nullptr; ++entry) {
        const char* text = *entry;
        if (!may_be_kashims(text)) {
            kept.asked |= preloads_kashim(text);
            continue;
        }
        bool kashims_own = starts_with(text, "KA_");
        const AnchorVariable* anchor = kashims_own ? nullptr : find_anchor_variable({text, name_length(text)});
        if (!kashims_own && anchor == nullptr) continue;
        kept.asked |= kashims_own || !is_debug(*anchor);
        keep(text, kept);
    }
}

}  // namespace kashim
