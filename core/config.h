// What the operator asked for, and the one validating setter every source (environment, config
// file, command line) goes through, so each bad value gets the same message wherever it came from.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>

#include "keepalive_options.h"
#include "keepalive_settings.h"
#include "report.h"
#include "rules.h"
#include "text_buffer.h"

namespace kashim {

// Which of a program's own keepalive choices stand against the operator's:
//  Cap       the operator's values are upper bounds: a tighter choice of the program's reaches the
//            kernel, a looser one (a longer time, keepalive off, no user timeout) is answered with
//            success and kept from it.
//  Override  the operator's values stand, whatever the program sets.
//  Respect   the program's own choices stand; the operator fills in what it left alone.
enum class Policy : uint8_t {
    Cap = KASHIM_POLICY_CAP,
    Override = KASHIM_POLICY_OVERRIDE,
    Respect = KASHIM_POLICY_RESPECT,
};

// The policy as the decision table (keepalive_options.h) and the BPF programs' map take it.
inline kashim_policy table_policy(Policy policy) { return static_cast<kashim_policy>(policy); }

std::string_view policy_name(Policy policy);

constexpr size_t kMaxPathLength = 4096;

enum class SettingId : uint8_t {
    Idle, Intvl, Cnt, UserTimeout, Detect, Rules, Enable, Policy, Log, LogFile, ConfigFile
};
constexpr size_t kSettingCount = static_cast<size_t>(SettingId::ConfigFile) + 1;

// Where a setting's value came from, for `kashim --print` and `kashim check`. Views of string
// literals (the names kashim knows), never of the text that was read.
struct SettingOrigin {
    std::string_view variable;  // KA_IDLE, TCP_KEEPIDLE, ...; empty: nobody set it
    std::string_view anchor;    // the library whose name `variable` is; empty for kashim's own
    bool from_file = false;     // the config file, not the environment
};

struct Config {
    bool enabled = true;
    Policy policy = Policy::Cap;
    LogLevel log_level = LogLevel::Warn;
    KeepaliveSettings keepalive;
    SettingOrigin origins[kSettingCount];
    // Every load reads or writes the fields above and the log file's length, so they come first
    // and share a page; the large parts are touched only when used, and the rules' count comes
    // last (each page a program touches at start-up is a fault it pays, in every process of a
    // machine that preloads kashim; see preload/runtime.h).
    TextBuffer<kMaxPathLength> log_file;     // empty: stderr
    TextBuffer<kMaxPathLength> config_file;  // the file that was read, if any
    RuleSet rules;
};

// The lowest KA_DETECT that leaves room for one idle second and one probe second.
constexpr uint32_t kMinDetectMillis = 2000;

struct SettingName {
    SettingId id;
    std::string_view env_name;
};

constexpr SettingName kSettingNames[] = {
    {SettingId::Idle, "KA_IDLE"},
    {SettingId::Intvl, "KA_INTVL"},
    {SettingId::Cnt, "KA_CNT"},
    {SettingId::UserTimeout, "KA_USER_TIMEOUT"},
    {SettingId::Detect, "KA_DETECT"},
    {SettingId::Rules, "KA_RULES"},
    {SettingId::Enable, "KA_ENABLE"},
    {SettingId::Policy, "KA_POLICY"},
    {SettingId::Log, "KA_LOG"},
    {SettingId::LogFile, "KA_LOG_FILE"},
    {SettingId::ConfigFile, "KA_CONFIG"},
};

// Validates `value` and stores it; on bad input reports one line that starts with `label` (the
// variable or option the operator wrote) and leaves the setting as it was. KA_RULES appends.
bool apply_setting(Config& config, SettingId id, std::string_view value, std::string_view label,
                   LoadReport& report);

// The same for the settings a rule can carry too (Idle, Intvl, Cnt, UserTimeout, Detect).
bool apply_keepalive_setting(KeepaliveSettings& settings, SettingId id, std::string_view value,
                             std::string_view label, LoadReport& report);

// "1"/"on"/"true"/"yes" or "0"/"off"/"false"/"no" (any case); empty when it is neither.
std::optional<bool> parse_switch(std::string_view value);

// The known name nearest to an unknown one, or empty when nothing is close.
std::string_view closest_setting_name(std::string_view unknown);

std::string_view log_level_name(LogLevel level);

inline SettingOrigin& origin_of(Config& config, SettingId id) { return config.origins[static_cast<size_t>(id)]; }
inline const SettingOrigin& origin_of(const Config& config, SettingId id) {
    return config.origins[static_cast<size_t>(id)];
}

}  // namespace kashim
