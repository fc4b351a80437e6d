#include "core/config_file.h"
#include "core/environment.h"
#include "core/rules.h"
#include "core/socket_plan.h"

#include <arpa/inet.h>
#include <netinet/in.h>

#include <gtest/gtest.h>

#include <string>
#include <vector>

using namespace kashim;

namespace {

std::vector<std::string> messages_of(const LoadReport& report) {
    std::vector<std::string> out;
    for (size_t i = 0; i < report.count(); ++i) out.emplace_back(report.text(i));
    return out;
}

struct Parsed {
    RuleSet rules;
    std::vector<std::string> messages;
};

Parsed parse(std::string_view text) {
    Parsed parsed;
    LoadReport report;
    parse_rules(text, "KA_RULES", parsed.rules, report);
    parsed.messages = messages_of(report);
    return parsed;
}

struct Peer {
    sockaddr_storage storage{};
    socklen_t length = 0;
    const sockaddr* address() const { return reinterpret_cast<const sockaddr*>(&storage); }
};

Peer peer(const char* text) {
    Peer p;
    auto* in = reinterpret_cast<sockaddr_in*>(&p.storage);
    auto* in6 = reinterpret_cast<sockaddr_in6*>(&p.storage);
    if (inet_pton(AF_INET, text, &in->sin_addr) == 1) {
        in->sin_family = AF_INET;
        p.length = sizeof *in;
    } else {
        EXPECT_EQ(inet_pton(AF_INET6, text, &in6->sin6_addr), 1) << text;
        in6->sin6_family = AF_INET6;
        p.length = sizeof *in6;
    }
    return p;
}

int match(const RuleSet& rules, Direction direction, const char* address, uint16_t port) {
    Peer p = peer(address);
    return match_rule(rules, {direction, p.address(), p.length, port});
}

}  // namespace

TEST(Detect, DerivationKeepsTheBoundForEveryDuration) {
    for (uint32_t ms : {2000u, 2500u, 3000u, 4000u, 5000u, 7000u, 10000u, 29999u, 30000u, 61000u, 3600000u,
                        86400000u, 2147483647u}) {
        KeepaliveSettings layer;
        layer.detect_ms = ms;
        KeepaliveSettings e = expand_detect(layer);
        ASSERT_TRUE(e.idle_s && e.intvl_s && e.cnt) << ms;
        EXPECT_GE(*e.idle_s, 1);
        EXPECT_GE(*e.intvl_s, 1);
        EXPECT_LE(*e.idle_s, kMaxKeepIdleSeconds);
        EXPECT_LE(*e.intvl_s, kMaxKeepIntvlSeconds);
        EXPECT_GE(*e.cnt, 1);
        EXPECT_LE(*e.cnt, kMaxKeepCount);
        EXPECT_LE((uint64_t(*e.idle_s) + uint64_t(*e.intvl_s) * *e.cnt) * 1000, ms) << ms;
        EXPECT_EQ(e.user_timeout.kind, UserTimeoutSetting::Kind::Millis);
        EXPECT_LE(e.user_timeout.millis, ms);
        if (ms % 1000 == 0 && ms <= 100000) {
            EXPECT_EQ(e.user_timeout.millis, ms);
        }
        EXPECT_LE(detection_bound(e, {}).idle_ms, ms) << ms;
        LoadReport report;
        check_detect_bound(layer, "KA_DETECT", report);
        EXPECT_EQ(report.count(), 0u) << ms;
    }
}

TEST(Detect, TheReadmesTable) {
    struct Row {
        uint32_t detect_ms;
        int idle, intvl, cnt;
        uint32_t user_timeout_ms;
    };
    for (Row row : {Row{2000, 1, 1, 1, 2000}, Row{10000, 7, 1, 3, 10000}, Row{30000, 15, 5, 3, 30000},
                    Row{300000, 150, 50, 3, 300000}}) {
        KeepaliveSettings layer;
        layer.detect_ms = row.detect_ms;
        KeepaliveSettings e = expand_detect(layer);
        EXPECT_EQ(*e.idle_s, row.idle) << row.detect_ms;
        EXPECT_EQ(*e.intvl_s, row.intvl) << row.detect_ms;
        EXPECT_EQ(*e.cnt, row.cnt) << row.detect_ms;
        EXPECT_EQ(e.user_timeout.millis, row.user_timeout_ms) << row.detect_ms;
    }
}

TEST(Detect, ExplicitPartsWinAndAWarningSaysWhenTheBoundBreaks) {
    KeepaliveSettings layer;
    layer.detect_ms = 30000;
    layer.idle_s = 60;
    EXPECT_EQ(*expand_detect(layer).idle_s, 60);
    EXPECT_EQ(*expand_detect(layer).intvl_s, 5);
    LoadReport report;
    check_detect_bound(layer, "KA_DETECT", report);
    EXPECT_EQ(messages_of(report),
              std::vector<std::string>{"kashim: KA_DETECT=30 s is not kept: idle 60 s, intvl 5 s, cnt 3, user timeout 30 s notice a dead peer after 65 s"});
    layer.idle_s.reset();
    layer.user_timeout = {UserTimeoutSetting::Kind::Off, 0};
    LoadReport off;
    check_detect_bound(layer, "KA_DETECT", off);
    EXPECT_EQ(messages_of(off), std::vector<std::string>{"kashim: KA_DETECT=30 s is not kept: the user timeout is off, "
                                                         "so data in flight waits for the retransmission timeout"});
}

TEST(Detect, BelowTwoSecondsIsRefused) {
    Config config;
    LoadReport report;
    EXPECT_FALSE(apply_setting(config, SettingId::Detect, "1500ms", "KA_DETECT", report));
    EXPECT_EQ(messages_of(report),
              std::vector<std::string>{"kashim: KA_DETECT=\"1500ms\" is out of range; use e.g. 30s or 2m (2 s to 596 h)"});
}

TEST(Network, AddressesAndPrefixesOfBothFamiliesParse) {
    Network n;
    EXPECT_TRUE(parse_network("10.0.0.0/8", n));
    EXPECT_EQ(n.prefix, 8u);
    EXPECT_TRUE(parse_network("::1", n));
    EXPECT_EQ(n.prefix, 128u);
    EXPECT_TRUE(parse_network("2001:db8::/32", n));
    for (const char* bad : {"10.0.0.300/8", "10.0.0.0/33", "::/129", "10.0.0.0/", "10.0.0.0/-1", "", "/8",
                            "example.com", "10.0.0.0/8/8", "10.0.0.0 /8", "1.2.3", "::1/1x"})
        EXPECT_FALSE(parse_network(bad, n)) << bad;
}

TEST(Rules, GrammarSelectorsAndActions) {
    Parsed p = parse("addr=10.0.0.0/8 port=5432 detect=20s; addr=127.0.0.0/8 off; addr=::1 off; dir=in port=22 idle=60;"
                     " port=8000-8099 intvl=3 cnt=4 user_timeout=1500ms; prog=psql idle=5");
    EXPECT_TRUE(p.messages.empty());
    ASSERT_EQ(p.rules.count, 6u);
    EXPECT_EQ(*p.rules.rules[0].settings.detect_ms, 20000u);
    EXPECT_TRUE(p.rules.rules[1].off);
    EXPECT_EQ(p.rules.rules[3].direction, Direction::In);
    EXPECT_EQ(p.rules.rules[4].port_low, 8000);
    EXPECT_EQ(p.rules.rules[4].port_high, 8099);
    EXPECT_EQ(p.rules.rules[4].settings.user_timeout.millis, 1500u);
    EXPECT_EQ(p.rules.rules[5].program.view(), "psql");
    MessageText line;
    describe_rule(p.rules.rules[0], line);
    EXPECT_EQ(line.view(), "addr=10.0.0.0/8 port=5432 detect=20s");
}

TEST(Rules, EveryBadRuleIsReportedWithItsNumberAndSkipped) {
    Parsed p = parse("idle=10; addr=10.0.0.300/8 idle=5; port=9-3 cnt=2; port=0 cnt=2; port=70000 cnt=1; dir=up off;"
                     " colour=blue; idle=abc; addr=::1; prog=/bin/sh off; ; cnt=2 ;");
    EXPECT_EQ(p.rules.count, 2u);  // the first and the last
    std::vector<std::string> expected = {
        "kashim: KA_RULES rule 2: \"addr=10.0.0.300/8\": not an IPv4 or IPv6 network; use e.g. 10.0.0.0/8, 192.0.2.7 or 2001:db8::/32",
        "kashim: KA_RULES rule 3: \"port=9-3\": not a port or range; use e.g. 5432 or 8000-8099 (1 to 65535, low to high)",
        "kashim: KA_RULES rule 4: \"port=0\": not a port or range; use e.g. 5432 or 8000-8099 (1 to 65535, low to high)",
        "kashim: KA_RULES rule 5: \"port=70000\": not a port or range; use e.g. 5432 or 8000-8099 (1 to 65535, low to high)",
        "kashim: KA_RULES rule 6: \"dir=up\": not a direction; use dir=in (accepted) or dir=out (connected)",
        "kashim: KA_RULES rule 7: \"colour=blue\": not a selector or action; use dir=, addr=, port=, prog=, idle=, intvl=, cnt=, user_timeout=, detect= or off",
        "kashim: KA_RULES rule 8: idle=\"abc\" is not a duration; use e.g. 10, 30s or 5m (1 s to 32767 s)",
        "kashim: KA_RULES rule 9: has no action; add idle=, intvl=, cnt=, user_timeout=, detect= or off",
        "kashim: KA_RULES rule 10: \"prog=/bin/sh\": not a program name; use the program's short name, e.g. prog=psql",
    };
    EXPECT_EQ(p.messages, expected);
}

TEST(Rules, FirstMatchWinsOnDirectionNetworkAndPort) {
    Parsed p = parse("addr=10.0.0.0/8 port=5432 detect=20s; addr=127.0.0.0/8 off; addr=::1 off; dir=in port=22 idle=60;"
                     " dir=out port=8000-8099 cnt=4; addr=2001:db8::/32 idle=7");
    const RuleSet& r = p.rules;
    EXPECT_EQ(match(r, Direction::Out, "10.1.2.3", 5432), 0);
    EXPECT_EQ(match(r, Direction::Out, "10.1.2.3", 5433), -1);
    EXPECT_EQ(match(r, Direction::Out, "11.0.0.1", 5432), -1);
    EXPECT_EQ(match(r, Direction::Out, "127.0.0.2", 5432), 1);
    EXPECT_EQ(match(r, Direction::Out, "::ffff:127.0.0.1", 80), 1);  // mapped IPv4 matches IPv4 rules
    EXPECT_EQ(match(r, Direction::Out, "::1", 80), 2);
    EXPECT_EQ(match(r, Direction::In, "192.0.2.1", 22), 3);
    EXPECT_EQ(match(r, Direction::Out, "192.0.2.1", 22), -1);
    EXPECT_EQ(match(r, Direction::Out, "192.0.2.1", 8000), 4);
    EXPECT_EQ(match(r, Direction::Out, "192.0.2.1", 8099), 4);
    EXPECT_EQ(match(r, Direction::In, "192.0.2.1", 8050), -1);
    EXPECT_EQ(match(r, Direction::In, "2001:db8:1::5", 1), 5);
    EXPECT_EQ(match(r, Direction::In, "2001:db9::5", 1), -1);
}

TEST(Rules, ProgramRulesAreResolvedOnceAtLoad) {
    Parsed p = parse("prog=psql idle=5; prog=curl idle=6; idle=7");
    keep_rules_for_program(p.rules, "curl");
    ASSERT_EQ(p.rules.count, 2u);
    EXPECT_EQ(*p.rules.rules[0].settings.idle_s, 6);
    EXPECT_EQ(p.rules.rules[0].program.size(), 0u);
}

TEST(Rules, WhatThePlacementMustWaitFor) {
    EXPECT_FALSE(rule_needs(parse("").rules).any);
    RuleNeeds out_only = rule_needs(parse("dir=out addr=10.0.0.0/8 idle=5").rules);
    EXPECT_TRUE(out_only.any);
    EXPECT_FALSE(out_only.inbound_peer);
    RuleNeeds port_in = rule_needs(parse("dir=in port=22 idle=5").rules);
    EXPECT_TRUE(port_in.inbound_port);
    EXPECT_FALSE(port_in.inbound_peer);
    EXPECT_TRUE(rule_needs(parse("addr=::1 off").rules).inbound_peer);
}

TEST(Rules, PlansLayerRuleOverGlobalAndOffMeansNothing) {
    Config config;
    config.keepalive.idle_s = 10;
    config.keepalive.cnt = 4;
    LoadReport report;
    parse_rules("port=5432 detect=20s; port=22 off; port=80 intvl=7", "KA_RULES", config.rules, report);
    PlanSet plans = build_plans(config, KernelKeepalive{});
    EXPECT_EQ(plans.global.count, 3);  // keepalive, idle, cnt
    const SocketPlan& detect = plans.rules[0];
    ASSERT_EQ(detect.count, 5);
    EXPECT_EQ(detect.options[1].value, 11);     // the rule's detect= derives all four: 11 + 3 x 3 = 20
    EXPECT_EQ(detect.options[4].value, 20000);  // user timeout = detect
    EXPECT_EQ(plans.rules[1].count, 0);
    ASSERT_EQ(plans.rules[2].count, 4);
    EXPECT_EQ(plans.rules[2].options[1].value, 10);  // idle from the global settings
    EXPECT_EQ(plans.rules[2].options[2].value, 7);
}

TEST(ConfigFile, SettingsRulesCommentsAndBadLines) {
    Config config;
    LoadReport report;
    load_config_file(config,
                     "# kashim for the fleet\n"
                     "\n"
                     "KA_IDLE=30\n"
                     "  KA_POLICY = \"respect\"\n"
                     "rule addr=10.0.0.0/8 port=5432 detect=20s\n"
                     "rule addr=10.0.0.300/8 idle=5\n"
                     "KA_IDEL=3\n"
                     "KA_CNT=abc\n"
                     "what is this\n"
                     "KA_CONFIG=/etc/other\n"
                     "KA_RULES=addr=::1 off\n",
                     "/etc/kashim.conf", report);
    EXPECT_EQ(*config.keepalive.idle_s, 30);
    EXPECT_EQ(config.policy, Policy::Respect);
    EXPECT_EQ(config.rules.count, 2u);
    std::vector<std::string> expected = {
        "kashim: /etc/kashim.conf:6: rule 1: \"addr=10.0.0.300/8\": not an IPv4 or IPv6 network; use e.g. 10.0.0.0/8, 192.0.2.7 or 2001:db8::/32",
        "kashim: /etc/kashim.conf:7: unknown setting \"KA_IDEL\"; did you mean KA_IDLE?",
        "kashim: /etc/kashim.conf:8: KA_CNT=\"abc\" is not a whole number; use 1 to 127",
        "kashim: /etc/kashim.conf:9: \"what is this\": not a setting or rule; use KA_NAME=value or rule ...",
        "kashim: /etc/kashim.conf:10: KA_CONFIG cannot name another file from inside one; ignored",
    };
    EXPECT_EQ(messages_of(report), expected);
}

TEST(ConfigFile, AnotherLibrarysNameSaysWhereItCountsAndWhatToWriteInstead) {
    Config config;
    LoadReport report;
    load_config_file(config, "TCP_KEEPIDLE=30\nTCP_USER_TIMEOUT=9000\nTCP_SYNCNT=1\nKA_CNT=4\n", "f", report);
    EXPECT_EQ(messages_of(report),
              (std::vector<std::string>{
                  "kashim: f:1: TCP_KEEPIDLE is msantos/libkeepalive's name, honoured in the environment only; here "
                  "write KA_IDLE",
                  "kashim: f:2: TCP_USER_TIMEOUT is msantos/libkeepalive's name, honoured in the environment only; "
                  "here write KA_USER_TIMEOUT with ms (TCP_USER_TIMEOUT is milliseconds)",
                  "kashim: f:3: TCP_SYNCNT is msantos/libkeepalive's name, honoured in the environment only; ignored"}));
    EXPECT_FALSE(config.keepalive.idle_s);
    EXPECT_EQ(config.keepalive.cnt, 4);
    EXPECT_TRUE(origin_of(config, SettingId::Cnt).from_file);
    EXPECT_EQ(origin_of(config, SettingId::Cnt).variable, "KA_CNT");
}

TEST(ConfigFile, TheEnvironmentOverridesTheFileAndItsRulesReplaceTheFiles) {
    Config config;
    LoadReport report;
    load_config_file(config, "KA_IDLE=30\nKA_CNT=5\nrule port=1 idle=9\n", "f", report);
    auto lookup = [](void*, const char* name) -> const char* {
        std::string n = name;
        if (n == "KA_IDLE") return "12";
        if (n == "KA_RULES") return "port=2 idle=8";
        return nullptr;
    };
    load_environment(config, lookup, nullptr, nullptr, report);
    EXPECT_EQ(*config.keepalive.idle_s, 12);
    EXPECT_EQ(*config.keepalive.cnt, 5);
    ASSERT_EQ(config.rules.count, 1u);
    EXPECT_EQ(config.rules.rules[0].port_low, 2);
}
