#include "config.h"

#include "duration.h"

namespace kashim {
namespace {

char lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

bool equals_ignore_case(std::string_view a, std::string_view b) {
    if (a.size() != b.size()) return false;
    for (size_t i = 0; i < a.size(); ++i)
        if (lower(a[i]) != lower(b[i])) return false;
    return true;
}

bool is_one_of(std::string_view value, std::initializer_list<std::string_view> words) {
    for (std::string_view word : words)
        if (equals_ignore_case(value, word)) return true;
    return false;
}

// Sets `setting` to the choice whose name `value` is (any case); false when it names none.
template <typename Choice>
bool set_by_name(Choice& setting, std::string_view value, std::initializer_list<Choice> choices,
                 std::string_view (*name)(Choice)) {
    for (Choice choice : choices) {
        if (equals_ignore_case(value, name(choice))) {
            setting = choice;
            return true;
        }
    }
    return false;
}

MessageText& complain(LoadReport& report, std::string_view label, std::string_view value) {
    return report.add(LogLevel::Warn).add(label).add('=').add_quoted(value).add(' ');
}

std::string_view number_problem(NumberError error, std::string_view what) {
    switch (error) {
        case NumberError::Empty: return "is empty";
        case NumberError::UnknownUnit: return "has an unknown unit";
        case NumberError::TooLarge: return "is out of range";
        default: return what;
    }
}

bool set_whole_seconds(std::optional<int>& slot, std::string_view value, std::string_view label,
                       int max_seconds, LoadReport& report) {
    ParsedNumber parsed = parse_duration_ms(value);
    auto accepted = [&](MessageText& line) -> MessageText& {
        return line.add("1 s to ").add_unsigned(static_cast<uint64_t>(max_seconds)).add(" s");
    };
    if (parsed.error != NumberError::None && parsed.error != NumberError::TooLarge) {
        accepted(complain(report, label, value)
                     .add(number_problem(parsed.error, "is not a duration"))
                     .add("; use e.g. 10, 30s or 5m (")).add(')');
        return false;
    }
    if (parsed.error == NumberError::None && parsed.value % 1000 != 0) {
        accepted(complain(report, label, value).add("is not a whole number of seconds; use "));
        return false;
    }
    uint64_t seconds = parsed.value / 1000;
    if (parsed.error == NumberError::TooLarge || seconds < 1 ||
        seconds > static_cast<uint64_t>(max_seconds)) {
        accepted(complain(report, label, value).add("is out of range; use "));
        return false;
    }
    slot = static_cast<int>(seconds);
    return true;
}

bool set_count(std::optional<int>& slot, std::string_view value, std::string_view label,
               LoadReport& report) {
    ParsedNumber parsed = parse_count(value);
    if (parsed.error == NumberError::None && parsed.value >= 1 && parsed.value <= kMaxKeepCount) {
        slot = static_cast<int>(parsed.value);
        return true;
    }
    complain(report, label, value)
        .add(number_problem(parsed.error == NumberError::None ? NumberError::TooLarge : parsed.error,
                            "is not a whole number"))
        .add("; use 1 to ")
        .add_unsigned(kMaxKeepCount);
    return false;
}

bool set_user_timeout(UserTimeoutSetting& slot, std::string_view value, std::string_view label,
                      LoadReport& report) {
    if (is_one_of(value, {"auto"})) {
        slot = {UserTimeoutSetting::Kind::Auto, 0};
        return true;
    }
    if (is_one_of(value, {"off"})) {
        slot = {UserTimeoutSetting::Kind::Off, 0};
        return true;
    }
    ParsedNumber parsed = parse_duration_ms(value);
    if (parsed.error == NumberError::None && parsed.value == 0) {
        slot = {UserTimeoutSetting::Kind::Off, 0};
        return true;
    }
    if (parsed.error == NumberError::None && parsed.value <= kMaxUserTimeoutMillis) {
        slot = {UserTimeoutSetting::Kind::Millis, static_cast<uint32_t>(parsed.value)};
        return true;
    }
    complain(report, label, value)
        .add(number_problem(parsed.error == NumberError::None ? NumberError::TooLarge : parsed.error,
                            "is not a duration"))
        .add("; use e.g. 30s, 1500ms or 2m (1 ms to 2147483647 ms), auto, or 0/off for the "
             "kernel default");
    return false;
}

bool set_detect(std::optional<uint32_t>& slot, std::string_view value, std::string_view label,
                LoadReport& report) {
    ParsedNumber parsed = parse_duration_ms(value);
    if (parsed.error == NumberError::None && parsed.value >= kMinDetectMillis &&
        parsed.value <= kMaxUserTimeoutMillis) {
        slot = static_cast<uint32_t>(parsed.value);
        return true;
    }
    complain(report, label, value)
        .add(number_problem(parsed.error == NumberError::None ? NumberError::TooLarge : parsed.error,
                            "is not a duration"))
        .add("; use e.g. 30s or 2m (2 s to 596 h)");
    return false;
}

bool set_path(TextBuffer<kMaxPathLength>& slot, std::string_view value, std::string_view label,
              LoadReport& report) {
    if (value.size() >= kMaxPathLength) {
        report.add(LogLevel::Warn).add(label).add(" is longer than ").add_unsigned(kMaxPathLength - 1).add(" bytes; ignored");
        return false;
    }
    // Only a config file can carry one; open() would stop there and use another path.
    if (value.find('\0') != std::string_view::npos) {
        complain(report, label, value).add("contains a NUL byte; ignored");
        return false;
    }
    slot.clear();
    slot.add(value);
    return true;
}

}  // namespace

MessageText& LoadReport::add(LogLevel level) {
    MessageText* text = &overflow_;
    if (count_ < kCapacity) {
        levels_[count_] = level;
        text = &texts_[count_++];
    } else {
        ++dropped_;
    }
    text->clear();
    return text->add("kashim: ").add(context_.view());
}

std::optional<bool> parse_switch(std::string_view value) {
    if (is_one_of(value, {"1", "on", "true", "yes"})) return true;
    if (is_one_of(value, {"0", "off", "false", "no"})) return false;
    return std::nullopt;
}

std::string_view policy_name(Policy policy) {
    switch (policy) {
        case Policy::Cap: return "cap";
        case Policy::Override: return "override";
        case Policy::Respect: return "respect";
    }
    return "?";
}

std::string_view log_level_name(LogLevel level) {
    switch (level) {
        case LogLevel::Off: return "off";
        case LogLevel::Error: return "error";
        case LogLevel::Warn: return "warn";
        case LogLevel::Info: return "info";
        case LogLevel::Debug: return "debug";
    }
    return "?";
}

bool apply_keepalive_setting(KeepaliveSettings& settings, SettingId id, std::string_view value,
                             std::string_view label, LoadReport& report) {
    switch (id) {
        case SettingId::Idle:
            return set_whole_seconds(settings.idle_s, value, label, kMaxKeepIdleSeconds, report);
        case SettingId::Intvl:
            return set_whole_seconds(settings.intvl_s, value, label, kMaxKeepIntvlSeconds, report);
        case SettingId::Cnt:
            return set_count(settings.cnt, value, label, report);
        case SettingId::UserTimeout:
            return set_user_timeout(settings.user_timeout, value, label, report);
        case SettingId::Detect:
            return set_detect(settings.detect_ms, value, label, report);
        default:
            return false;
    }
}

bool apply_setting(Config& config, SettingId id, std::string_view value, std::string_view label,
                   LoadReport& report) {
    switch (id) {
        case SettingId::Idle:
        case SettingId::Intvl:
        case SettingId::Cnt:
        case SettingId::UserTimeout:
        case SettingId::Detect:
            return apply_keepalive_setting(config.keepalive, id, value, label, report);
        case SettingId::Rules: {
            size_t problems_before = report.count() + report.dropped();
            parse_rules(value, label, config.rules, report);
            return report.count() + report.dropped() == problems_before;
        }
        case SettingId::ConfigFile:
            return set_path(config.config_file, value, label, report);
        case SettingId::Enable:
            if (std::optional<bool> enabled = parse_switch(value)) {
                config.enabled = *enabled;
                return true;
            }
            complain(report, label, value).add("is not understood; use 1/on/true/yes or 0/off/false/no");
            return false;
        case SettingId::Policy:
            if (set_by_name(config.policy, value, {Policy::Cap, Policy::Override, Policy::Respect}, policy_name))
                return true;
            complain(report, label, value).add("is not a policy; use cap, override or respect");
            return false;
        case SettingId::Log:
            if (set_by_name(config.log_level, value,
                            {LogLevel::Off, LogLevel::Error, LogLevel::Warn, LogLevel::Info, LogLevel::Debug},
                            log_level_name))
                return true;
            complain(report, label, value).add("is not a log level; use off, error, warn, info or debug");
            return false;
        case SettingId::LogFile:
            return set_path(config.log_file, value, label, report);
    }
    return false;
}

std::string_view closest_setting_name(std::string_view unknown) {
    // Levenshtein distance, case-insensitive, over names short enough for a fixed row.
    constexpr size_t kMaxName = 64;
    if (unknown.size() >= kMaxName) return {};
    std::string_view best;
    size_t best_distance = 4;  // farther than this is no suggestion, just noise
    for (const SettingName& known : kSettingNames) {
        std::string_view name = known.env_name;
        size_t row[kMaxName + 1];
        for (size_t j = 0; j <= name.size(); ++j) row[j] = j;
        for (size_t i = 1; i <= unknown.size(); ++i) {
            size_t diagonal = row[0];
            row[0] = i;
            for (size_t j = 1; j <= name.size(); ++j) {
                size_t above = row[j];
                size_t cost = lower(unknown[i - 1]) == lower(name[j - 1]) ? 0 : 1;
                size_t best_here = diagonal + cost;
                if (above + 1 < best_here) best_here = above + 1;
                if (row[j - 1] + 1 < best_here) best_here = row[j - 1] + 1;
                row[j] = best_here;
                diagonal = above;
            }
        }
        if (row[name.size()] < best_distance) {
            best_distance = row[name.size()];
            best = name;
        }
    }
    return best;
}

}  // namespace kashim
