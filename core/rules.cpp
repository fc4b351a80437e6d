#include "rules.h"
#include "load_path.h"

#include "config.h"
#include "duration.h"
#include "socket_plan.h"
#include "text_view.h"

namespace kashim {
namespace {

struct ActionName {
    std::string_view word;
    SettingId id;
};

constexpr ActionName kActions[] = {
    {"idle", SettingId::Idle},
    {"intvl", SettingId::Intvl},
    {"cnt", SettingId::Cnt},
    {"user_timeout", SettingId::UserTimeout},
    {"detect", SettingId::Detect},
};


// A program name is shown in log lines as it is; a control byte there could forge one.
bool has_control_character(std::string_view text) {
    for (unsigned char c : text)
        if (c < 0x20 || c == 0x7f) return true;
    return false;
}

bool parse_port(std::string_view text, uint16_t& port) {
    ParsedNumber parsed = parse_count(text);
    if (parsed.error != NumberError::None || parsed.value < 1 || parsed.value > 65535) return false;
    port = static_cast<uint16_t>(parsed.value);
    return true;
}

bool parse_port_range(std::string_view text, Rule& rule) {
    std::string_view high = text;
    std::string_view low = split_off(high, '-');
    if (text.find('-') == std::string_view::npos) high = low;
    if (!parse_port(low, rule.port_low) || !parse_port(high, rule.port_high)) return false;
    rule.has_port = true;
    return rule.port_low <= rule.port_high;
}

// Applies one "name=value" or "off" word to `rule`; reports and returns false when malformed.
bool apply_word(std::string_view word, Rule& rule, LoadReport& report) {
    size_t equals = word.find('=');
    std::string_view value = word;
    std::string_view name = split_off(value, '=');
    auto complain = [&](std::string_view problem) {
        report.add(LogLevel::Warn).add_quoted(word).add(": ").add(problem);
        return false;
    };
    if (equals == std::string_view::npos) {
        if (word != "off") return complain("not a selector or action; use dir=, addr=, port=, prog=, idle=, intvl=, cnt=, user_timeout=, detect= or off");
        rule.off = true;
        return true;
    }
    if (name == "dir") {
        if (value == "in") rule.direction = Direction::In;
        else if (value == "out") rule.direction = Direction::Out;
        else return complain("not a direction; use dir=in (accepted) or dir=out (connected)");
        return true;
    }
    if (name == "addr") {
        if (!parse_network(value, rule.network)) return complain("not an IPv4 or IPv6 network; use e.g. 10.0.0.0/8, 192.0.2.7 or 2001:db8::/32");
        rule.has_network = true;
        return true;
    }
    if (name == "port") {
        if (!parse_port_range(value, rule)) return complain("not a port or range; use e.g. 5432 or 8000-8099 (1 to 65535, low to high)");
        return true;
    }
    if (name == "prog") {
        if (value.empty() || value.size() >= 64 || value.find('/') != std::string_view::npos ||
            has_control_character(value))
            return complain("not a program name; use the program's short name, e.g. prog=psql");
        rule.program.clear();
        rule.program.add(value);
        return true;
    }
    for (const ActionName& action : kActions)
        if (name == action.word) return apply_keepalive_setting(rule.settings, action.id, value, name, report);
    return complain("not a selector or action; use dir=, addr=, port=, prog=, idle=, intvl=, cnt=, user_timeout=, detect= or off");
}

bool has_action(const Rule& rule) {
    const KeepaliveSettings& s = rule.settings;
    return rule.off || s.idle_s || s.intvl_s || s.cnt || s.detect_ms ||
           s.user_timeout.kind != UserTimeoutSetting::Kind::Unset;
}

void add_duration_setting(MessageText& line, std::string_view name, uint64_t millis) {
    line.add(' ').add(name).add('=').add_unsigned(millis % 1000 == 0 ? millis / 1000 : millis);
    line.add(millis % 1000 == 0 ? "s" : "ms");
}

}  // namespace

void parse_rules(std::string_view text, std::string_view source, RuleSet& rules, LoadReport& report) {
    size_t number = 0;
    while (!text.empty()) {
        std::string_view written = trim(split_off(text, ';'));
        if (written.empty()) continue;
        ++number;
        MessageText context;
        context.add(source).add(" rule ").add_unsigned(number).add(": ");
        report.set_context(context.view());
        Rule rule;
        bool good = true;
        for (std::string_view words = written; !words.empty();) {
            std::string_view word = trim(split_off(words, ' '));
            if (!word.empty()) good = apply_word(word, rule, report) && good;
        }
        if (good && !has_action(rule)) {
            report.add(LogLevel::Warn).add("has no action; add idle=, intvl=, cnt=, user_timeout=, detect= or off");
            good = false;
        }
        if (good) check_detect_bound(rule.settings, "detect", report);
        if (good && rules.count == RuleSet::kCapacity) {
            if (!rules.overflow_reported)
                report.add(LogLevel::Warn).add("more than ").add_unsigned(RuleSet::kCapacity).add(" rules; this and later ones are ignored");
            rules.overflow_reported = true;
            good = false;
        }
        if (good) rules.rules[rules.count++] = rule;
    }
    report.set_context({});
}

int match_rule(const RuleSet& rules, const Connection& connection) {
    for (size_t i = 0; i < rules.count; ++i) {
        const Rule& rule = rules.rules[i];
        if (rule.direction != Direction::Any && rule.direction != connection.direction) continue;
        if (rule.has_port && (connection.service_port < rule.port_low || connection.service_port > rule.port_high))
            continue;
        if (rule.has_network && !network_contains(rule.network, connection.peer, connection.peer_length)) continue;
        return static_cast<int>(i);
    }
    return -1;
}

KASHIM_LOAD_PATH void keep_rules_for_program(RuleSet& rules, std::string_view program) {
    size_t kept = 0;
    for (size_t i = 0; i < rules.count; ++i) {
        Rule& rule = rules.rules[i];
        if (rule.program.size() != 0 && rule.program.view() != program) continue;
        rule.program.clear();
        rules.rules[kept++] = rule;
    }
    if (kept != rules.count) rules.count = kept;  // no rules, no write: it would cost a page at start-up
}

KASHIM_LOAD_PATH RuleNeeds rule_needs(const RuleSet& rules) {
    RuleNeeds needs;
    needs.any = rules.count != 0;
    for (size_t i = 0; i < rules.count; ++i) {
        const Rule& rule = rules.rules[i];
        if (rule.direction == Direction::Out) continue;
        needs.inbound_peer |= rule.has_network;
        needs.inbound_port |= rule.has_port;
    }
    return needs;
}

void describe_rule(const Rule& rule, MessageText& line) {
    size_t start = line.size();
    auto separate = [&] {
        if (line.size() != start) line.add(' ');
    };
    if (rule.direction != Direction::Any) separate(), line.add(rule.direction == Direction::In ? "dir=in" : "dir=out");
    if (rule.has_network) separate(), line.add("addr="), add_network(line, rule.network);
    if (rule.has_port) {
        separate();
        line.add("port=").add_unsigned(rule.port_low);
        if (rule.port_high != rule.port_low) line.add('-').add_unsigned(rule.port_high);
    }
    if (rule.program.size() != 0) separate(), line.add("prog=").add(rule.program.view());
    if (rule.off) {
        separate();
        line.add("off");
        return;
    }
    const KeepaliveSettings& s = rule.settings;
    if (line.size() == start) line.add("(any)");
    if (s.detect_ms) add_duration_setting(line, "detect", *s.detect_ms);
    if (s.idle_s) line.add(" idle=").add_signed(*s.idle_s).add('s');
    if (s.intvl_s) line.add(" intvl=").add_signed(*s.intvl_s).add('s');
    if (s.cnt) line.add(" cnt=").add_signed(*s.cnt);
    switch (s.user_timeout.kind) {
        case UserTimeoutSetting::Kind::Millis: add_duration_setting(line, "user_timeout", s.user_timeout.millis); break;
        case UserTimeoutSetting::Kind::Auto: line.add(" user_timeout=auto"); break;
        case UserTimeoutSetting::Kind::Off: line.add(" user_timeout=off"); break;
        case UserTimeoutSetting::Kind::Unset: break;
    }
}

}  // namespace kashim
