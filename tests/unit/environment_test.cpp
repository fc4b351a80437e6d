#include "core/environment.h"

#include <gtest/gtest.h>

#include <map>
#include <string>
#include <vector>

using namespace kashim;

namespace {

struct FakeEnvironment {
    std::map<std::string, std::string> values;

    static const char* lookup(void* context, const char* name) {
        auto* self = static_cast<FakeEnvironment*>(context);
        auto found = self->values.find(name);
        return found == self->values.end() ? nullptr : found->second.c_str();
    }

    std::vector<std::string> load(Config& config) {
        std::vector<std::string> entries;
        for (auto& [k, v] : values) entries.push_back(k + "=" + v);
        std::vector<const char*> environ;
        for (auto& e : entries) environ.push_back(e.c_str());
        environ.push_back(nullptr);
        LoadReport report;
        load_environment(config, lookup, this, environ.data(), report);
        std::vector<std::string> messages;
        for (size_t i = 0; i < report.count(); ++i) messages.emplace_back(report.text(i));
        return messages;
    }
};

}  // namespace

TEST(Environment, EveryVariableReachesTheConfig) {
    FakeEnvironment env{{{"KA_IDLE", "10"}, {"KA_INTVL", "5"}, {"KA_CNT", "3"}, {"KA_USER_TIMEOUT", "auto"},
                         {"KA_ENABLE", "on"}, {"KA_POLICY", "respect"}, {"KA_LOG", "debug"},
                         {"KA_LOG_FILE", "/tmp/x"}}};
    Config config;
    EXPECT_TRUE(env.load(config).empty());
    EXPECT_EQ(*config.keepalive.idle_s, 10);
    EXPECT_EQ(*config.keepalive.intvl_s, 5);
    EXPECT_EQ(*config.keepalive.cnt, 3);
    EXPECT_EQ(config.keepalive.user_timeout.kind, UserTimeoutSetting::Kind::Auto);
    EXPECT_TRUE(config.enabled);
    EXPECT_EQ(config.policy, Policy::Respect);
    EXPECT_EQ(config.log_level, LogLevel::Debug);
    EXPECT_EQ(config.log_file.view(), "/tmp/x");
}

TEST(Environment, NothingSetMeansKeepaliveWithKernelTimers) {
    FakeEnvironment env;
    Config config;
    EXPECT_TRUE(env.load(config).empty());
    EXPECT_TRUE(config.enabled);
    EXPECT_FALSE(config.keepalive.idle_s);
    EXPECT_EQ(config.policy, Policy::Cap);
    EXPECT_EQ(config.log_level, LogLevel::Warn);
}

TEST(Environment, OneBadValueDoesNotStopTheOthers) {
    FakeEnvironment env{{{"KA_IDLE", "abc"}, {"KA_INTVL", "5"}}};
    Config config;
    std::vector<std::string> messages = env.load(config);
    ASSERT_EQ(messages.size(), 1u);
    EXPECT_EQ(messages[0], "kashim: KA_IDLE=\"abc\" is not a duration; use e.g. 10, 30s or 5m (1 s to 32767 s)");
    EXPECT_FALSE(config.keepalive.idle_s);
    EXPECT_EQ(*config.keepalive.intvl_s, 5);
}

TEST(Environment, UnknownNamesGetTheNearestKnownOne) {
    FakeEnvironment env{{{"KA_IDEL", "10"}, {"KA_WHATEVER_THIS_IS", "1"}, {"PATH", "/bin"}, {"KAX", "1"}}};
    Config config;
    std::vector<std::string> messages = env.load(config);
    ASSERT_EQ(messages.size(), 2u);
    EXPECT_EQ(messages[0], "kashim: unknown variable \"KA_IDEL\" ignored; did you mean KA_IDLE?");
    EXPECT_EQ(messages[1], "kashim: unknown variable \"KA_WHATEVER_THIS_IS\" ignored");
}

TEST(Environment, LibkeepaliveVariablesWhereTheKashimOnesAreUnset) {
    FakeEnvironment env{{{"KEEPIDLE", "20"}, {"KEEPINTVL", "7"}, {"KEEPCNT", "4"}, {"KA_CNT", "5"}}};
    Config config;
    std::vector<std::string> messages = env.load(config);
    EXPECT_EQ(*config.keepalive.idle_s, 20);
    EXPECT_EQ(*config.keepalive.intvl_s, 7);
    EXPECT_EQ(*config.keepalive.cnt, 5);  // KA_CNT wins
    EXPECT_EQ(messages, (std::vector<std::string>{"kashim: honouring libkeepalive's KEEPIDLE=\"20\"",
                                                  "kashim: honouring libkeepalive's KEEPINTVL=\"7\""}));
}

TEST(Environment, LibkeepaliveOffDisablesAndBadValuesAreNamed) {
    FakeEnvironment off{{{"KEEPALIVE", "off"}}};
    Config config;
    off.load(config);
    EXPECT_FALSE(config.enabled);
    FakeEnvironment on{{{"KEEPALIVE", "on"}}};
    Config still;
    EXPECT_TRUE(on.load(still).empty());
    EXPECT_TRUE(still.enabled);
    FakeEnvironment bad{{{"KEEPIDLE", "soon"}}};
    Config unchanged;
    EXPECT_EQ(bad.load(unchanged),
              std::vector<std::string>{"kashim: KEEPIDLE=\"soon\" is not a duration; use e.g. 10, 30s or 5m (1 s to 32767 s)"});
}

TEST(KashimInEnvironment, SettingsAskAndAPreloadAloneOnlyAsks) {
    const char* settings[] = {"PATH=/bin", "KA_IDEL=3", nullptr};  // a misspelt one counts
    const char* legacy[] = {"KEEPCNT=4", nullptr};
    const char* preload[] = {"LD_PRELOAD=/usr/lib/libkashim.so", "HOME=/root", nullptr};
    const char* other_preload[] = {"LD_PRELOAD=/usr/lib/libother.so", "KA=1", "XKA_IDLE=1", nullptr};
    KashimInEnvironment said = read_kashim_in_environment(settings);
    EXPECT_TRUE(said.settings && said.asked);
    said = read_kashim_in_environment(legacy);
    EXPECT_TRUE(said.settings && said.asked);
    said = read_kashim_in_environment(preload);
    EXPECT_FALSE(said.settings);
    EXPECT_TRUE(said.asked);
    said = read_kashim_in_environment(other_preload);
    EXPECT_FALSE(said.settings || said.asked);
    said = read_kashim_in_environment(nullptr);
    EXPECT_FALSE(said.settings || said.asked);
}
