#include "setting_options_help.h"

#include <algorithm>

#include "setting_options.h"

namespace kashim::cli {
namespace {

// What each setting option's value looks like, by variable; a setting the shim adds later still
// gets a line, just without this hint (and kashim(1) says the rest).
struct ValueHint {
    std::string_view env_name;
    std::string_view value;
    std::string_view meaning;
};
constexpr ValueHint kValueHints[] = {
    {"KA_IDLE", "DURATION", "idle before probing, 1-32767 s"},
    {"KA_INTVL", "DURATION", "between probes, 1-32767 s"},
    {"KA_CNT", "N", "unanswered probes, 1-127"},
    {"KA_USER_TIMEOUT", "DURATION|auto", "bounds unacknowledged data"},
    {"KA_DETECT", "DURATION", "notice a dead peer within this"},
    {"KA_RULES", "RULE", "per-destination; repeatable"},
    {"KA_ENABLE", "on|off", "off leaves sockets alone"},
    {"KA_POLICY", "cap|override|respect", "which of the program's own values stand"},
    {"KA_LOG", "LEVEL", "off|error|warn|info|debug"},
    {"KA_LOG_FILE", "PATH", "shim log instead of stderr"},
    {"KA_CONFIG", "PATH", "settings and rules file"},
};

std::string padded(std::string text, size_t width) {
    text.resize(std::max(text.size() + 1, width), ' ');
    return text;
}

}  // namespace

std::string setting_options_help(std::string_view heading) {
    std::string text = std::string(heading) + " (DURATION: 10, 30s, 5m, 1500ms):\n";
    for (const SettingOption& option : setting_options()) {
        ValueHint hint{option.env_name, "VALUE", ""};
        for (const ValueHint& known : kValueHints)
            if (known.env_name == option.env_name) hint = known;
        text += padded("  --" + option.option + " " + std::string(hint.value), 32) + padded(option.env_name, 17) +
                std::string(hint.meaning) + "\n";
    }
    return text;
}

}  // namespace kashim::cli
