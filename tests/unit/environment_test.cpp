#include "core/environment.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <tuple>
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

TEST(Environment, AVariablesValueIsFoundByItsWholeName) {
    const char* environment[] = {"KA_IDLEX=1", "KA_IDL=2", "PATH=/bin", "KA_IDLE=30", "KA_IDLE=40", "EMPTY=", nullptr};
    EXPECT_STREQ(variable_value(environment, "KA_IDLE"), "30");  // the first, as getenv
    EXPECT_STREQ(variable_value(environment, "EMPTY"), "");
    EXPECT_EQ(variable_value(environment, "KA_INTVL"), nullptr);
    EXPECT_EQ(variable_value(environment, "KA_ID"), nullptr);
    EXPECT_EQ(variable_value(nullptr, "KA_IDLE"), nullptr);
}

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
    EXPECT_EQ(messages,
              (std::vector<std::string>{"kashim: honouring KEEPIDLE=\"20\", Busatto's libkeepalive's name for KA_IDLE",
                                        "kashim: honouring KEEPINTVL=\"7\", Busatto's libkeepalive's name for KA_INTVL",
                                        "kashim: KEEPCNT=\"4\" (Busatto's libkeepalive's) not used: KA_CNT wins"}));
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

// --- the other anchors: msantos/libkeepalive and libdontdie ---------------------------------

namespace {

// The messages at warn level and above: what a program shows by default.
std::vector<std::string> warnings(FakeEnvironment& env, Config& config) {
    std::vector<std::string> entries;
    for (auto& [k, v] : env.values) entries.push_back(k + "=" + v);
    std::vector<const char*> environ;
    for (auto& e : entries) environ.push_back(e.c_str());
    environ.push_back(nullptr);
    LoadReport report;
    load_environment(config, FakeEnvironment::lookup, &env, environ.data(), report);
    std::vector<std::string> messages;
    for (size_t i = 0; i < report.count(); ++i)
        if (report.level(i) <= LogLevel::Warn) messages.emplace_back(report.text(i));
    return messages;
}

}  // namespace

TEST(Anchors, MsantosVariablesGiveSecondsCountAndMillisecondUserTimeout) {
    FakeEnvironment env{{{"TCP_KEEPIDLE", "2"}, {"TCP_KEEPINTVL", "3"}, {"TCP_KEEPCNT", "3"},
                         {"TCP_USER_TIMEOUT", "9000"}}};
    Config config;
    EXPECT_TRUE(warnings(env, config).empty());
    EXPECT_EQ(config.keepalive.idle_s, 2);
    EXPECT_EQ(config.keepalive.intvl_s, 3);
    EXPECT_EQ(config.keepalive.cnt, 3);
    // Milliseconds, not KA_USER_TIMEOUT's seconds: 9000 is 9 s, not 2.5 h.
    EXPECT_EQ(config.keepalive.user_timeout.kind, UserTimeoutSetting::Kind::Millis);
    EXPECT_EQ(config.keepalive.user_timeout.millis, 9000u);
    EXPECT_EQ(origin_of(config, SettingId::Idle).variable, "TCP_KEEPIDLE");
    EXPECT_EQ(origin_of(config, SettingId::Idle).anchor, "msantos/libkeepalive");
    EXPECT_FALSE(origin_of(config, SettingId::Idle).from_file);
    EXPECT_EQ(origin_of(config, SettingId::UserTimeout).variable, "TCP_USER_TIMEOUT");
    // The control: the same value under kashim's own name is seconds.
    FakeEnvironment own{{{"KA_USER_TIMEOUT", "9000"}}};
    Config seconds;
    own.load(seconds);
    EXPECT_EQ(seconds.keepalive.user_timeout.millis, 9000000u);
    EXPECT_EQ(origin_of(seconds, SettingId::UserTimeout).variable, "KA_USER_TIMEOUT");
    EXPECT_EQ(origin_of(seconds, SettingId::UserTimeout).anchor, "");
}

TEST(Anchors, MsantosZeroIsTheKernelsValueAndMinusOneDerivesTheUserTimeout) {
    FakeEnvironment env{{{"TCP_KEEPIDLE", "0"}, {"TCP_KEEPCNT", "0"}, {"TCP_USER_TIMEOUT", "-1"}}};
    Config config;
    config.keepalive.idle_s = 99;  // as a config file could have said
    EXPECT_TRUE(warnings(env, config).empty());
    EXPECT_FALSE(config.keepalive.idle_s);
    EXPECT_FALSE(config.keepalive.cnt);
    EXPECT_EQ(config.keepalive.user_timeout.kind, UserTimeoutSetting::Kind::Auto);
    FakeEnvironment off{{{"TCP_USER_TIMEOUT", "0"}}};
    Config kernel;
    off.load(kernel);
    EXPECT_EQ(kernel.keepalive.user_timeout.kind, UserTimeoutSetting::Kind::Off);
}

TEST(Anchors, LibdontdieVariablesGiveSecondsAndCount) {
    FakeEnvironment env{{{"DD_TCP_KEEPALIVE_TIME", "4"}, {"DD_TCP_KEEPALIVE_INTVL", "5"},
                         {"DD_TCP_KEEPALIVE_PROBES", "6"}, {"DD_USE_KEEPALIVE", "1"}}};
    Config config;
    EXPECT_TRUE(warnings(env, config).empty());
    EXPECT_TRUE(config.enabled);
    EXPECT_EQ(config.keepalive.idle_s, 4);
    EXPECT_EQ(config.keepalive.intvl_s, 5);
    EXPECT_EQ(config.keepalive.cnt, 6);
    EXPECT_EQ(config.keepalive.user_timeout.kind, UserTimeoutSetting::Kind::Unset);  // libdontdie has none
    EXPECT_EQ(origin_of(config, SettingId::Cnt).variable, "DD_TCP_KEEPALIVE_PROBES");
    EXPECT_EQ(origin_of(config, SettingId::Cnt).anchor, "libdontdie");
}

TEST(Anchors, DdUseKeepaliveZeroTurnsKashimOffUnlessKaEnableSaysOtherwise) {
    FakeEnvironment off{{{"DD_USE_KEEPALIVE", "0"}, {"DD_TCP_KEEPALIVE_TIME", "4"}}};
    Config config;
    EXPECT_TRUE(warnings(off, config).empty());
    EXPECT_FALSE(config.enabled);
    EXPECT_EQ(origin_of(config, SettingId::Enable).variable, "DD_USE_KEEPALIVE");
    FakeEnvironment overruled{{{"DD_USE_KEEPALIVE", "0"}, {"KA_ENABLE", "1"}}};
    Config on;
    overruled.load(on);
    EXPECT_TRUE(on.enabled);
    EXPECT_EQ(origin_of(on, SettingId::Enable).variable, "KA_ENABLE");
    // libdontdie's 1 outranks Busatto's off.
    FakeEnvironment both{{{"DD_USE_KEEPALIVE", "1"}, {"KEEPALIVE", "off"}}};
    Config still;
    both.load(still);
    EXPECT_TRUE(still.enabled);
}

TEST(Anchors, KashimsOwnNamesWinOverEveryAnchor) {
    FakeEnvironment env{{{"KA_IDLE", "10"}, {"DD_TCP_KEEPALIVE_TIME", "20"}, {"TCP_KEEPIDLE", "30"}, {"KEEPIDLE", "40"},
                         {"KA_CNT", "2"}, {"DD_TCP_KEEPALIVE_PROBES", "5"}, {"TCP_KEEPCNT", "6"}}};
    Config config;
    std::vector<std::string> messages = env.load(config);
    EXPECT_EQ(config.keepalive.idle_s, 10);
    EXPECT_EQ(config.keepalive.cnt, 2);
    EXPECT_EQ(origin_of(config, SettingId::Idle).variable, "KA_IDLE");
    EXPECT_NE(std::find(messages.begin(), messages.end(),
                        "kashim: TCP_KEEPIDLE=\"30\" (msantos/libkeepalive's) not used: KA_IDLE wins"),
              messages.end());
}

TEST(Anchors, AmongAnchorsLibdontdieThenMsantosThenBusatto) {
    FakeEnvironment three{{{"DD_TCP_KEEPALIVE_TIME", "20"}, {"TCP_KEEPIDLE", "30"}, {"KEEPIDLE", "40"}}};
    Config config;
    three.load(config);
    EXPECT_EQ(config.keepalive.idle_s, 20);
    FakeEnvironment two{{{"TCP_KEEPIDLE", "30"}, {"KEEPIDLE", "40"}}};
    Config msantos;
    std::vector<std::string> messages = two.load(msantos);
    EXPECT_EQ(msantos.keepalive.idle_s, 30);
    EXPECT_EQ(messages, (std::vector<std::string>{
                            "kashim: honouring TCP_KEEPIDLE=\"30\", msantos/libkeepalive's name for KA_IDLE",
                            "kashim: KEEPIDLE=\"40\" (Busatto's libkeepalive's) not used: TCP_KEEPIDLE wins"}));
    FakeEnvironment one{{{"KEEPIDLE", "40"}}};
    Config busatto;
    one.load(busatto);
    EXPECT_EQ(busatto.keepalive.idle_s, 40);
}

TEST(Anchors, ABadValueGetsOneLineNamingItAndTheNextNameStillCounts) {
    FakeEnvironment env{{{"TCP_KEEPIDLE", "30s"}, {"KEEPIDLE", "40"}, {"TCP_KEEPCNT", "500"}, {"KA_INTVL", "5"}}};
    Config config;
    EXPECT_EQ(warnings(env, config),
              (std::vector<std::string>{"kashim: TCP_KEEPIDLE=\"30s\" ignored: msantos/libkeepalive's TCP_KEEPIDLE "
                                        "takes whole seconds, 1 to 32767, or 0 for the kernel's value",
                                        "kashim: TCP_KEEPCNT=\"500\" ignored: msantos/libkeepalive's TCP_KEEPCNT "
                                        "takes a count, 1 to 127, or 0 for the kernel's value"}));
    EXPECT_EQ(config.keepalive.idle_s, 40);  // nothing lost: the next anchor's value stands
    EXPECT_FALSE(config.keepalive.cnt);
    EXPECT_EQ(config.keepalive.intvl_s, 5);
    for (auto [name, value, line] : {
             std::tuple{"TCP_USER_TIMEOUT", "-2", "kashim: TCP_USER_TIMEOUT=\"-2\" ignored: msantos/libkeepalive's "
                                                  "TCP_USER_TIMEOUT takes milliseconds, 1 to 2147483647, 0 for the "
                                                  "kernel's value or -1 for idle + intvl x cnt"},
             std::tuple{"DD_TCP_KEEPALIVE_INTVL", "", "kashim: DD_TCP_KEEPALIVE_INTVL=\"\" ignored: libdontdie's "
                                                      "DD_TCP_KEEPALIVE_INTVL takes whole seconds, 1 to 32767, or 0 "
                                                      "for the kernel's value"},
             std::tuple{"DD_USE_KEEPALIVE", "maybe", "kashim: DD_USE_KEEPALIVE=\"maybe\" ignored: libdontdie's "
                                                     "DD_USE_KEEPALIVE takes 1 (keepalive on, the default) or 0 (off: "
                                                     "kashim leaves sockets alone)"},
             std::tuple{"DD_DEBUG", "loud", "kashim: DD_DEBUG=\"loud\" ignored: libdontdie's DD_DEBUG takes 1 "
                                            "(kashim's debug log) or 0"}}) {
        FakeEnvironment bad{{{name, value}}};
        Config unchanged;
        EXPECT_EQ(warnings(bad, unchanged), std::vector<std::string>{line}) << name;
        EXPECT_FALSE(unchanged.keepalive.intvl_s);
        EXPECT_EQ(unchanged.keepalive.user_timeout.kind, UserTimeoutSetting::Kind::Unset);
        EXPECT_TRUE(unchanged.enabled);
        EXPECT_EQ(unchanged.log_level, LogLevel::Warn);
        EXPECT_EQ(origin_of(unchanged, SettingId::Intvl).variable, "");
    }
}

TEST(Anchors, DebugVariablesAskForTheDebugLogUnlessKaLogIsSet) {
    for (auto [name, value] : {std::pair{"LIBKEEPALIVE_DEBUG", "1"}, std::pair{"LIBKEEPALIVE_DEBUG", ""},
                               std::pair{"DD_DEBUG", "1"}}) {
        FakeEnvironment env{{{name, value}}};
        Config config;
        EXPECT_TRUE(warnings(env, config).empty()) << name;
        EXPECT_EQ(config.log_level, LogLevel::Debug) << name << "=" << value;
        FakeEnvironment with_ka_log{{{name, value}, {"KA_LOG", "error"}}};
        Config own;
        with_ka_log.load(own);
        EXPECT_EQ(own.log_level, LogLevel::Error) << name;
    }
    FakeEnvironment quiet{{{"DD_DEBUG", "0"}}};
    Config control;
    EXPECT_TRUE(quiet.load(control).empty());
    EXPECT_EQ(control.log_level, LogLevel::Warn);
}

TEST(Anchors, OptionsOutsideKashimsJobGetOneLinePointingToKaDetect) {
    FakeEnvironment env{{{"TCP_SYNCNT", "1"}, {"TCP_MAXSEG", "1400"}, {"TCP_WINDOW_CLAMP", "9999"},
                         {"TCP_DEFER_ACCEPT", "5"}, {"TCP_KEEPIDLE", "7"}}};
    Config config;
    EXPECT_EQ(warnings(env, config),
              std::vector<std::string>{
                  "kashim: TCP_SYNCNT=\"1\", TCP_MAXSEG=\"1400\", TCP_WINDOW_CLAMP=\"9999\", "
                  "TCP_DEFER_ACCEPT=\"5\" (msantos/libkeepalive's) ignored: kashim sets keepalive options only; "
                  "KA_DETECT bounds connect() too, through the user timeout"});
    EXPECT_EQ(config.keepalive.idle_s, 7);  // the rest still applies
    FakeEnvironment one{{{"TCP_SYNCNT", "2"}}};
    Config just_one;
    EXPECT_EQ(warnings(one, just_one).size(), 1u);
    // The controls: 0 is msantos's system default, which asks for nothing, and nothing set says nothing.
    FakeEnvironment defaults{{{"TCP_SYNCNT", "0"}, {"TCP_MAXSEG", "0"}}};
    Config quiet;
    EXPECT_TRUE(defaults.load(quiet).empty());
    FakeEnvironment nothing;
    EXPECT_TRUE(nothing.load(quiet).empty());
}

TEST(Anchors, EvaluatingTheEnvironmentAtEverySocketIsNotKashimsWay) {
    FakeEnvironment every{{{"DD_EVAL_ENVIRONMENT_ONCE", "0"}}};
    Config config;
    EXPECT_EQ(warnings(every, config),
              std::vector<std::string>{"kashim: DD_EVAL_ENVIRONMENT_ONCE=\"0\" (libdontdie's) ignored: kashim reads "
                                       "the environment once, at start; KA_RULES gives connections different "
                                       "settings"});
    FakeEnvironment once{{{"DD_EVAL_ENVIRONMENT_ONCE", "1"}}};
    EXPECT_TRUE(once.load(config).empty());
}

TEST(Anchors, EveryAnchorNameIsKnownAndNamesTheRightSetting) {
    EXPECT_EQ(find_anchor_variable("TCP_USER_TIMEOUT")->id, SettingId::UserTimeout);
    EXPECT_EQ(find_anchor_variable("DD_TCP_KEEPALIVE_TIME")->id, SettingId::Idle);
    EXPECT_EQ(find_anchor_variable("DD_TCP_KEEPALIVE_PROBES")->unit, AnchorUnit::Count);
    EXPECT_EQ(find_anchor_variable("KEEPALIVE")->anchor, "Busatto's libkeepalive");
    EXPECT_EQ(find_anchor_variable("KA_IDLE"), nullptr);
    EXPECT_EQ(find_anchor_variable("TCP_KEEPALIVE"), nullptr);
}

// The variables kept at exec, in the environment's order, as the load will read them.
static std::vector<std::string> kept_entries(const KashimVariables& kept) {
    std::vector<std::string> entries;
    for (const char* const* entry = kept.entries; *entry != nullptr; ++entry) entries.emplace_back(*entry);
    EXPECT_EQ(entries.size(), kept.count);
    return entries;
}

TEST(KashimVariables, AnchorVariablesAreKeptAndDebugOnesAloneDoNotAsk) {
    for (const char* entry : {"TCP_KEEPIDLE=30", "DD_TCP_KEEPALIVE_TIME=4", "TCP_SYNCNT=1", "DD_USE_KEEPALIVE=0", "KEEPCNT=4"}) {
        const char* environment[] = {entry, nullptr};
        KashimVariables kept;
        keep_kashim_variables(environment, kept);
        EXPECT_EQ(kept_entries(kept), std::vector<std::string>{entry});
        EXPECT_TRUE(kept.asked) << entry;
    }
    for (const char* entry : {"DD_DEBUG=1", "LIBKEEPALIVE_DEBUG="}) {
        const char* environment[] = {entry, nullptr};
        KashimVariables kept;
        keep_kashim_variables(environment, kept);
        EXPECT_EQ(kept_entries(kept), std::vector<std::string>{entry});  // kept, so the debug log can follow it
        EXPECT_FALSE(kept.asked) << entry;  // but never alone a reason to speak on stderr
    }
    const char* unrelated[] = {"TCP_KEEPALIVE=1", "DD_SERVICE=web", "KEEP=1", "LIBPATH=/x", "TERM=xterm",
                               "KA", "K", "", "DISPLAY=:0", nullptr};
    KashimVariables kept;
    keep_kashim_variables(unrelated, kept);
    EXPECT_TRUE(kept_entries(kept).empty());
    EXPECT_FALSE(kept.asked);
    EXPECT_TRUE(kept.complete);
}

TEST(KashimVariables, SettingsAskAndAPreloadAloneOnlyAsks) {
    const char* settings[] = {"PATH=/bin", "KA_IDEL=3", "KA_IDLE=5", "KA_IDLE=6", nullptr};  // a misspelt one counts
    KashimVariables with_settings;
    keep_kashim_variables(settings, with_settings);
    EXPECT_EQ(kept_entries(with_settings), (std::vector<std::string>{"KA_IDEL=3", "KA_IDLE=5", "KA_IDLE=6"}));
    EXPECT_TRUE(with_settings.asked);
    EXPECT_STREQ(variable_value(with_settings.entries, "KA_IDLE"), "5");  // the first, as getenv

    const char* preload[] = {"LD_PRELOAD=/usr/lib/libother.so:/usr/lib/libkashim.so", "HOME=/root", nullptr};
    KashimVariables preloaded;
    keep_kashim_variables(preload, preloaded);
    EXPECT_TRUE(kept_entries(preloaded).empty());
    EXPECT_TRUE(preloaded.asked);

    const char* other_preload[] = {"LD_PRELOAD=/usr/lib/libother.so", "LD_PRELOADX=libkashim.so", "KA=1", "XKA_IDLE=1",
                                   "LD_LIBRARY_PATH=/libkashim", nullptr};
    KashimVariables other;
    keep_kashim_variables(other_preload, other);
    EXPECT_TRUE(kept_entries(other).empty());
    EXPECT_FALSE(other.asked);

    KashimVariables none;
    keep_kashim_variables(nullptr, none);
    EXPECT_TRUE(kept_entries(none).empty());
    EXPECT_FALSE(none.asked);
}

// The scan reads the anchors' table only for names with one of their prefixes: a new anchor
// with another prefix would be missed.
TEST(KashimVariables, EveryAnchorsVariableIsKept) {
    for (const AnchorVariable& variable : kAnchorVariables) {
        std::string entry = std::string(variable.name) + "=1";
        const char* environment[] = {"LIBRARY_PATH=/x", entry.c_str(), "TCP_KEEPIDLEX=1", nullptr};
        KashimVariables kept;
        keep_kashim_variables(environment, kept);
        EXPECT_EQ(kept_entries(kept), std::vector<std::string>{entry});
    }
}

// A copy, not the environment's own strings: a program may write over those (setproctitle).
TEST(KashimVariables, KeepsCopiesThatOutliveTheEnvironment) {
    char idle[] = "KA_IDLE=10";
    const char* environment[] = {idle, nullptr};
    KashimVariables kept;
    keep_kashim_variables(environment, kept);
    idle[8] = '9';
    EXPECT_STREQ(variable_value(kept.entries, "KA_IDLE"), "10");
}

TEST(KashimVariables, TooManyOrTooLongAreSaidIncompleteAndWhatFitIsKept) {
    std::vector<std::string> many;
    for (size_t i = 0; i <= KashimVariables::kMaxCount; ++i) many.push_back("KA_X" + std::to_string(i) + "=1");
    std::vector<const char*> environment;
    for (const std::string& entry : many) environment.push_back(entry.c_str());
    environment.push_back(nullptr);
    KashimVariables kept;
    keep_kashim_variables(environment.data(), kept);
    EXPECT_FALSE(kept.complete);
    EXPECT_EQ(kept.count, KashimVariables::kMaxCount);

    std::string rules = "KA_RULES=" + std::string(sizeof kept.text, 'x');
    const char* long_one[] = {"KA_IDLE=3", rules.c_str(), nullptr};
    KashimVariables fitted;
    keep_kashim_variables(long_one, fitted);
    EXPECT_FALSE(fitted.complete);
    EXPECT_EQ(kept_entries(fitted), std::vector<std::string>{"KA_IDLE=3"});

    std::string exact = "KA_RULES=" + std::string(sizeof kept.text - sizeof "KA_RULES=", 'x');  // with its NUL, the whole text
    const char* just_fits[] = {exact.c_str(), nullptr};
    KashimVariables full;
    keep_kashim_variables(just_fits, full);
    EXPECT_TRUE(full.complete);
    EXPECT_EQ(kept_entries(full), std::vector<std::string>{exact});
}
