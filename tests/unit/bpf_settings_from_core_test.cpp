// What the cgroup engine's BPF programs get from the core: the settings map's value, field by
// field, as keepalive.bpf.c reads it.
#include "bpf_settings_from_core.h"

#include <gtest/gtest.h>

#include <cstring>
#include <string>

using namespace kashim;

namespace {

struct Converted {
    Config config;
    kashim_bpf_settings settings{};
    std::string refusal;
};

Converted convert(const char* rules, Policy policy = Policy::Cap, const std::string& group = "/kashim.slice/db") {
    Converted converted;
    converted.config.policy = policy;
    converted.config.keepalive.idle_s = 10;
    converted.config.keepalive.cnt = 3;
    LoadReport report;
    parse_rules(rules, "KA_RULES", converted.config.rules, report);
    EXPECT_EQ(report.count(), 0u) << (report.count() != 0 ? report.text(0) : "");
    PlanSet plans = build_plans(converted.config, KernelKeepalive{});
    converted.refusal = bpf_settings_from_core(converted.config, plans, group, converted.settings);
    return converted;
}

// A rule's address or mask as the sixteen bytes it stands for.
std::string bytes_of(const __u32 (&words)[4]) {
    unsigned char bytes[16];
    std::memcpy(bytes, words, sizeof bytes);
    std::string text;
    for (unsigned char byte : bytes) text += std::to_string(byte) + ' ';
    return text;
}

TEST(BpfSettingsFromCore, ThePolicyIsTheMapsNumberForIt) {
    // keepalive.bpf.c and `kashim attached` read these numbers.
    EXPECT_EQ(convert("", Policy::Cap).settings.policy, 0u);
    EXPECT_EQ(convert("", Policy::Override).settings.policy, 1u);
    EXPECT_EQ(convert("", Policy::Respect).settings.policy, 2u);
}

TEST(BpfSettingsFromCore, PlansAreSetByOptionIndex) {
    Converted converted = convert("port=5432 idle=30 user_timeout=20s; port=25 off");
    const kashim_bpf_plan& global = converted.settings.global;
    EXPECT_EQ(global.set, 0b01011u);  // SO_KEEPALIVE, TCP_KEEPIDLE, TCP_KEEPCNT
    EXPECT_EQ(global.value[0], 1);
    EXPECT_EQ(global.value[1], 10);
    EXPECT_EQ(global.value[2], 0);
    EXPECT_EQ(global.value[3], 3);
    EXPECT_EQ(global.value[4], 0);
    const kashim_bpf_plan& rule = converted.settings.rule_plans[0];
    EXPECT_EQ(rule.set, 0b11011u);  // the rule's idle and user timeout over the global cnt
    EXPECT_EQ(rule.value[1], 30);
    EXPECT_EQ(rule.value[3], 3);
    EXPECT_EQ(rule.value[4], 20000);
    EXPECT_EQ(converted.settings.rule_plans[1].set, 0u);  // off: nothing set
    EXPECT_EQ(converted.settings.rule_count, 2u);
}

TEST(BpfSettingsFromCore, DirectionAndPortSelectors) {
    Converted converted = convert("dir=out port=5432 idle=30; dir=in port=8000-8099 off; cnt=4");
    const kashim_bpf_rule* rules = converted.settings.rules;
    EXPECT_EQ(rules[0].direction, KASHIM_BPF_OUT);
    EXPECT_EQ(rules[0].has_port, 1);
    EXPECT_EQ(rules[0].port_low, 5432);
    EXPECT_EQ(rules[0].port_high, 5432);
    EXPECT_EQ(rules[1].direction, KASHIM_BPF_IN);
    EXPECT_EQ(rules[1].port_low, 8000);
    EXPECT_EQ(rules[1].port_high, 8099);
    EXPECT_EQ(rules[2].direction, KASHIM_BPF_ANY);
    EXPECT_EQ(rules[2].has_port, 0);
    EXPECT_EQ(rules[2].has_network, 0);
    EXPECT_EQ(converted.settings.listener_by_port, 1u);  // no rule looks at an inbound peer
}

TEST(BpfSettingsFromCore, NetworksAreMaskedAddressesInNetworkOrder) {
    Converted converted = convert("addr=10.1.2.3/12 idle=5; addr=2001:db8:abcd::1/36 idle=6; addr=::1 idle=7; "
                                  "addr=0.0.0.0/0 idle=8; addr=192.0.2.7 idle=9");
    const kashim_bpf_rule* rules = converted.settings.rules;
    EXPECT_EQ(rules[0].has_network, 1);
    EXPECT_EQ(rules[0].family, 4);
    EXPECT_EQ(bytes_of(rules[0].address), "10 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 ");  // the host part cleared
    EXPECT_EQ(bytes_of(rules[0].mask), "255 240 0 0 0 0 0 0 0 0 0 0 0 0 0 0 ");
    EXPECT_EQ(rules[1].family, 6);
    EXPECT_EQ(bytes_of(rules[1].address), "32 1 13 184 160 0 0 0 0 0 0 0 0 0 0 0 ");
    EXPECT_EQ(bytes_of(rules[1].mask), "255 255 255 255 240 0 0 0 0 0 0 0 0 0 0 0 ");
    EXPECT_EQ(rules[2].family, 6);
    EXPECT_EQ(bytes_of(rules[2].address), "0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 1 ");
    EXPECT_EQ(bytes_of(rules[2].mask), "255 255 255 255 255 255 255 255 255 255 255 255 255 255 255 255 ");
    EXPECT_EQ(rules[3].family, 4);
    EXPECT_EQ(bytes_of(rules[3].mask), "0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 ");  // matches every IPv4 peer
    EXPECT_EQ(bytes_of(rules[4].address), "192 0 2 7 0 0 0 0 0 0 0 0 0 0 0 0 ");
    EXPECT_EQ(bytes_of(rules[4].mask), "255 255 255 255 0 0 0 0 0 0 0 0 0 0 0 0 ");
    // A rule on the peer that can match accepted connections: listeners wait for them.
    EXPECT_EQ(converted.settings.listener_by_port, 0u);
    EXPECT_EQ(convert("dir=out addr=10.0.0.0/8 idle=5").settings.listener_by_port, 1u);
}

TEST(BpfSettingsFromCore, AProgramRuleIsRefusedByNumber) {
    Converted converted = convert("port=80 idle=5; prog=psql idle=5");
    EXPECT_EQ(converted.refusal.rfind("rule 2: prog= cannot be matched in cgroup mode", 0), 0u) << converted.refusal;
    EXPECT_EQ(convert("port=80 idle=5").refusal, "");
}

TEST(BpfSettingsFromCore, TheGroupsPathIsKeptAndCutToFit) {
    EXPECT_STREQ(convert("").settings.group, "/kashim.slice/db");
    std::string long_path(KASHIM_BPF_GROUP_PATH + 10, 'g');
    const kashim_bpf_settings settings = convert("", Policy::Cap, long_path).settings;
    EXPECT_EQ(std::string(settings.group), long_path.substr(0, KASHIM_BPF_GROUP_PATH - 1));
}

TEST(BpfSettingsFromCore, EveryRuleTheCoreHoldsFitsTheMap) {
    std::string rules;
    for (size_t i = 0; i < RuleSet::kCapacity; ++i)
        rules += "port=" + std::to_string(1000 + i) + " idle=" + std::to_string(i + 1) + ";";
    Converted converted = convert(rules.c_str());
    ASSERT_EQ(converted.settings.rule_count, RuleSet::kCapacity);
    const kashim_bpf_rule& last = converted.settings.rules[RuleSet::kCapacity - 1];
    EXPECT_EQ(last.port_low, static_cast<int>(1000 + RuleSet::kCapacity - 1));
    EXPECT_EQ(converted.settings.rule_plans[RuleSet::kCapacity - 1].value[1], static_cast<int>(RuleSet::kCapacity));
}

}  // namespace
