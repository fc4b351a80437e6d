// What every kashim fuzz target checks besides "does not crash": the properties the parsers
// promise the operator. A broken property aborts, which libFuzzer reports as a finding.
#pragma once

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "core/config.h"
#include "core/socket_plan.h"

namespace kashim_fuzz {

[[noreturn]] inline void fail(const char* property, std::string_view detail = {}) {
    std::fprintf(stderr, "kashim fuzz: property broken: %s\n  %.*s\n", property, static_cast<int>(detail.size()),
                 detail.data());
    std::abort();
}

#define KASHIM_FUZZ_CHECK(condition, detail) \
    do {                                     \
        if (!(condition)) ::kashim_fuzz::fail(#condition, detail); \
    } while (0)

// One terminal line: no control byte, nothing raw from the input that could forge a line.
inline bool printable_line(std::string_view text) {
    for (unsigned char c : text)
        if (c < 0x20 || c == 0x7f) return false;
    return true;
}

// Every line kashim would log starts with "kashim: " and is one printable line.
inline void check_report(const kashim::LoadReport& report) {
    for (size_t i = 0; i < report.count(); ++i) {
        std::string_view line = report.text(i);
        KASHIM_FUZZ_CHECK(line.substr(0, 8) == "kashim: ", line);
        KASHIM_FUZZ_CHECK(printable_line(line), line);
    }
}

inline bool in_range(const std::optional<int>& value, int low, int high) {
    return !value || (*value >= low && *value <= high);
}

// What a validated layer of settings may hold: only what the kernel accepts.
inline void check_settings(const kashim::KeepaliveSettings& s) {
    KASHIM_FUZZ_CHECK(in_range(s.idle_s, 1, kashim::kMaxKeepIdleSeconds), "idle");
    KASHIM_FUZZ_CHECK(in_range(s.intvl_s, 1, kashim::kMaxKeepIntvlSeconds), "intvl");
    KASHIM_FUZZ_CHECK(in_range(s.cnt, 1, kashim::kMaxKeepCount), "cnt");
    if (s.user_timeout.kind == kashim::UserTimeoutSetting::Kind::Millis)
        KASHIM_FUZZ_CHECK(s.user_timeout.millis >= 1 && s.user_timeout.millis <= kashim::kMaxUserTimeoutMillis,
                          "user timeout");
    if (s.detect_ms)
        KASHIM_FUZZ_CHECK(*s.detect_ms >= kashim::kMinDetectMillis && *s.detect_ms <= kashim::kMaxUserTimeoutMillis,
                          "detect");
}

// Every setsockopt a plan would make is one the kernel takes.
inline void check_plan(const kashim::SocketPlan& plan) {
    KASHIM_FUZZ_CHECK(plan.count <= 5, "plan size");
    for (uint8_t i = 0; i < plan.count; ++i) {
        const kashim::SocketOption& o = plan.options[i];
        switch (o.bit) {
            case kashim::kOptKeepalive: KASHIM_FUZZ_CHECK(o.value == 1, "SO_KEEPALIVE"); break;
            case kashim::kOptIdle: KASHIM_FUZZ_CHECK(o.value >= 1 && o.value <= 32767, "TCP_KEEPIDLE"); break;
            case kashim::kOptIntvl: KASHIM_FUZZ_CHECK(o.value >= 1 && o.value <= 32767, "TCP_KEEPINTVL"); break;
            case kashim::kOptCnt: KASHIM_FUZZ_CHECK(o.value >= 1 && o.value <= 127, "TCP_KEEPCNT"); break;
            case kashim::kOptUserTimeout: KASHIM_FUZZ_CHECK(o.value >= 1, "TCP_USER_TIMEOUT"); break;
            default: fail("unknown option in a plan");
        }
    }
}

// The rule's own description, parsed again, is the same rule: what the log says is what applies.
void check_rule_round_trip(const kashim::Rule& rule);

// Everything a loaded configuration leads to: values in range, plans the kernel takes, a
// description and an info line that are printable.
inline void check_config(const kashim::Config& config) {
    check_settings(config.keepalive);
    KASHIM_FUZZ_CHECK(config.rules.count <= kashim::RuleSet::kCapacity, "rule count");
    KASHIM_FUZZ_CHECK(config.log_file.view().find('\0') == std::string_view::npos, "NUL in KA_LOG_FILE");
    for (size_t i = 0; i < config.rules.count; ++i) {
        check_settings(config.rules.rules[i].settings);
        check_rule_round_trip(config.rules.rules[i]);
    }
    for (kashim::KernelKeepalive kernel : {kashim::KernelKeepalive{}, kashim::KernelKeepalive{1, 1, 1},
                                           kashim::KernelKeepalive{32767, 32767, 127}}) {
        kashim::PlanSet plans = kashim::build_plans(config, kernel);
        check_plan(plans.global);
        for (size_t i = 0; i < config.rules.count; ++i) check_plan(plans.rules[i]);
        kashim::MessageText line;
        kashim::describe_active(config, kernel, line);
        KASHIM_FUZZ_CHECK(printable_line(line.view()), line.view());
    }
}

}  // namespace kashim_fuzz
