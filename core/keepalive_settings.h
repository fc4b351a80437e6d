// The keepalive values one layer of configuration asks for: the global settings, or one rule.
#pragma once

#include <cstdint>
#include <optional>

#include "keepalive_options.h"

namespace kashim {

constexpr int kMaxKeepIdleSeconds = KASHIM_MAX_KEEPIDLE;
constexpr int kMaxKeepIntvlSeconds = KASHIM_MAX_KEEPINTVL;
constexpr int kMaxKeepCount = KASHIM_MAX_KEEPCNT;
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

// Unset parts come from the layer below (a rule's from the global settings, the global ones
// from the kernel).
struct KeepaliveSettings {
    std::optional<int> idle_s;
    std::optional<int> intvl_s;
    std::optional<int> cnt;
    UserTimeoutSetting user_timeout;
    std::optional<uint32_t> detect_ms;  // KA_DETECT / detect=: derives the four above
};

}  // namespace kashim
