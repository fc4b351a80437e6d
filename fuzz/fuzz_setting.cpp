// One KA_* variable's validating setter, the one every source goes through (KASHIM_FUZZ_SETTING
// names which; the build makes one target per variable). Properties: a refused value leaves the
// configuration exactly as it was and says so in exactly one printable line (KA_RULES: a line
// per bad rule, the good ones still count); an accepted one says nothing, holds only what the
// kernel accepts, and applying it again changes nothing.
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>

#include "fuzz_support.h"

#ifndef KASHIM_FUZZ_SETTING
#error "KASHIM_FUZZ_SETTING: the SettingId to fuzz"
#endif

namespace {

constexpr kashim::SettingId kId = kashim::SettingId::KASHIM_FUZZ_SETTING;

std::string_view name_of(kashim::SettingId id) {
    for (const kashim::SettingName& setting : kashim::kSettingNames)
        if (setting.id == id) return setting.env_name;
    return "?";
}

// A comparable picture of everything apply_setting can change.
std::string snapshot(const kashim::Config& c) {
    kashim::MessageText text;
    auto opt = [&](const std::optional<int>& v) { v ? text.add_signed(*v) : text.add('-'); text.add(','); };
    text.add_unsigned(c.enabled).add(',').add_unsigned(static_cast<unsigned>(c.policy)).add(',');
    text.add_unsigned(static_cast<unsigned>(c.log_level)).add(',');
    opt(c.keepalive.idle_s);
    opt(c.keepalive.intvl_s);
    opt(c.keepalive.cnt);
    text.add_unsigned(static_cast<unsigned>(c.keepalive.user_timeout.kind)).add(',').add_unsigned(c.keepalive.user_timeout.millis);
    text.add(',').add_unsigned(c.keepalive.detect_ms.value_or(0)).add(',').add_unsigned(c.rules.count);
    std::string result(text.view());
    result += '|' + std::string(c.log_file.view()) + '|' + std::string(c.config_file.view());
    for (size_t i = 0; i < c.rules.count; ++i) {
        kashim::MessageText rule;
        kashim::describe_rule(c.rules.rules[i], rule);
        result += '|' + std::string(rule.view());
    }
    return result;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    std::string_view value(reinterpret_cast<const char*>(data), size);
    std::string_view name = name_of(kId);

    kashim::Config config;
    std::string before = snapshot(config);
    kashim::LoadReport report;
    bool accepted = kashim::apply_setting(config, kId, value, name, report);
    kashim_fuzz::check_report(report);
    kashim_fuzz::check_config(config);

    if (kId == kashim::SettingId::Rules) {
        KASHIM_FUZZ_CHECK(accepted == (report.count() == 0 && report.dropped() == 0), value);
        return 0;
    }
    if (!accepted) {
        KASHIM_FUZZ_CHECK(report.count() == 1, value);
        KASHIM_FUZZ_CHECK(snapshot(config) == before, value);
        return 0;
    }
    KASHIM_FUZZ_CHECK(report.count() == 0, report.count() ? report.text(0) : value);
    std::string after = snapshot(config);
    kashim::LoadReport again_report;
    KASHIM_FUZZ_CHECK(kashim::apply_setting(config, kId, value, name, again_report), value);
    KASHIM_FUZZ_CHECK(snapshot(config) == after, value);
    return 0;
}
