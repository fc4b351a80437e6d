// What the operator asked for, and the one validating setter every source (environment, config
// file, command line) goes through, so each bad value gets the same message wherever it came from.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>

#include "text_buffer.h"

namespace kashim {

enum class LogLevel : uint8_t { Off, Error, Warn, Info, Debug };
enum class Policy : uint8_t { Override, Respect };

// Kernel limits (include/net/tcp.h): MAX_TCP_KEEPIDLE, MAX_TCP_KEEPINTVL, MAX_TCP_KEEPCNT.
constexpr int kMaxKeepIdleSeconds = 32767;
constexpr int kMaxKeepIntvlSeconds = 32767;
constexpr int kMaxKeepCount = 127;
constexpr uint64_t kMaxUserTimeoutMillis = 2147483647;  // the option is a signed int

struct UserTimeoutSetting {
    enum class Kind : uint8_t {
        Unset,   // nothing said: the kernel's value stays
        Off,     // "0" or "off": said explicitly that the kernel's value stays
        Auto,    // idle + intvl x cnt of the effective values
        Millis,
    };
    Kind kind = Kind::Unset;
    uint32_t millis = 0;
};

struct KeepaliveSettings {
    std::optional<int> idle_s;
    std::optional<int> intvl_s;
    std::optional<int> cnt;
    UserTimeoutSetting user_timeout;
};

constexpr size_t kMaxPathLength = 4096;

struct Config {
    bool enabled = true;
    Policy policy = Policy::Override;
    LogLevel log_level = LogLevel::Warn;
    TextBuffer<kMaxPathLength> log_file;  // empty: stderr
    KeepaliveSettings keepalive;
};

using MessageText = TextBuffer<480>;

// Messages found while loading, kept until logging itself is set up from the same load.
class LoadReport {
public:
    static constexpr size_t kCapacity = 24;

    // A buffer for one new line, already prefixed with "kashim: ".
    MessageText& add(LogLevel level);

    size_t count() const { return count_; }
    size_t dropped() const { return dropped_; }
    LogLevel level(size_t i) const { return levels_[i]; }
    std::string_view text(size_t i) const { return texts_[i].view(); }

private:
    LogLevel levels_[kCapacity] = {};
    MessageText texts_[kCapacity];
    MessageText overflow_;
    size_t count_ = 0;
    size_t dropped_ = 0;
};

enum class SettingId : uint8_t { Idle, Intvl, Cnt, UserTimeout, Enable, Policy, Log, LogFile };

struct SettingName {
    SettingId id;
    std::string_view env_name;
};

constexpr SettingName kSettingNames[] = {
    {SettingId::Idle, "KA_IDLE"},
    {SettingId::Intvl, "KA_INTVL"},
    {SettingId::Cnt, "KA_CNT"},
    {SettingId::UserTimeout, "KA_USER_TIMEOUT"},
    {SettingId::Enable, "KA_ENABLE"},
    {SettingId::Policy, "KA_POLICY"},
    {SettingId::Log, "KA_LOG"},
    {SettingId::LogFile, "KA_LOG_FILE"},
};

// Validates `value` and stores it; on bad input reports one line that starts with `label` (the
// variable or option the operator wrote) and leaves the setting as it was.
bool apply_setting(Config& config, SettingId id, std::string_view value, std::string_view label,
                   LoadReport& report);

// The known name nearest to an unknown one, or empty when nothing is close.
std::string_view closest_setting_name(std::string_view unknown);

std::string_view log_level_name(LogLevel level);

}  // namespace kashim
