#include "core/config.h"

#include <gtest/gtest.h>

#include <string>

using namespace kashim;

namespace {

struct Outcome {
    bool accepted;
    Config config;
    std::string message;  // the one line reported, empty when none
};

Outcome apply(SettingId id, const char* label, std::string_view value) {
    Outcome out{false, Config{}, {}};
    LoadReport report;
    out.accepted = apply_setting(out.config, id, value, label, report);
    EXPECT_LE(report.count(), 1u);
    if (report.count() == 1) out.message = std::string(report.text(0));
    EXPECT_EQ(out.accepted, out.message.empty()) << out.message;
    return out;
}

}  // namespace

TEST(Settings, IdleAcceptsSecondsWithinKernelLimits) {
    EXPECT_EQ(*apply(SettingId::Idle, "KA_IDLE", "10").config.keepalive.idle_s, 10);
    EXPECT_EQ(*apply(SettingId::Idle, "KA_IDLE", "5m").config.keepalive.idle_s, 300);
    EXPECT_EQ(*apply(SettingId::Idle, "KA_IDLE", "2000ms").config.keepalive.idle_s, 2);
    EXPECT_EQ(*apply(SettingId::Idle, "KA_IDLE", "32767").config.keepalive.idle_s, 32767);
    EXPECT_EQ(*apply(SettingId::Intvl, "KA_INTVL", "1s").config.keepalive.intvl_s, 1);
}

TEST(Settings, IdleMessagesNameVariableValueAndWhatIsAccepted) {
    EXPECT_EQ(apply(SettingId::Idle, "KA_IDLE", "abc").message,
              "kashim: KA_IDLE=\"abc\" is not a duration; use e.g. 10, 30s or 5m (1 s to 32767 s)");
    EXPECT_EQ(apply(SettingId::Idle, "KA_IDLE", "").message,
              "kashim: KA_IDLE=\"\" is empty; use e.g. 10, 30s or 5m (1 s to 32767 s)");
    EXPECT_EQ(apply(SettingId::Idle, "KA_IDLE", "10d").message,
              "kashim: KA_IDLE=\"10d\" has an unknown unit; use e.g. 10, 30s or 5m (1 s to 32767 s)");
    EXPECT_EQ(apply(SettingId::Idle, "KA_IDLE", "0").message,
              "kashim: KA_IDLE=\"0\" is out of range; use 1 s to 32767 s");
    EXPECT_EQ(apply(SettingId::Idle, "KA_IDLE", "32768").message,
              "kashim: KA_IDLE=\"32768\" is out of range; use 1 s to 32767 s");
    EXPECT_EQ(apply(SettingId::Idle, "KA_IDLE", "99999999999999999999999").message,
              "kashim: KA_IDLE=\"99999999999999999999999\" is out of range; use 1 s to 32767 s");
    EXPECT_EQ(apply(SettingId::Intvl, "KA_INTVL", "1500ms").message,
              "kashim: KA_INTVL=\"1500ms\" is not a whole number of seconds; use 1 s to 32767 s");
    EXPECT_EQ(apply(SettingId::Idle, "KA_IDLE", " 10").message,
              "kashim: KA_IDLE=\" 10\" is not a duration; use e.g. 10, 30s or 5m (1 s to 32767 s)");
    EXPECT_EQ(apply(SettingId::Idle, "KA_IDLE", "-5").message,
              "kashim: KA_IDLE=\"-5\" is not a duration; use e.g. 10, 30s or 5m (1 s to 32767 s)");
}

TEST(Settings, BadValueLeavesThePreviousOne) {
    Config config;
    LoadReport report;
    ASSERT_TRUE(apply_setting(config, SettingId::Idle, "10", "KA_IDLE", report));
    ASSERT_FALSE(apply_setting(config, SettingId::Idle, "x", "KA_IDLE", report));
    EXPECT_EQ(*config.keepalive.idle_s, 10);
}

TEST(Settings, CountIsAWholeNumberFrom1To127) {
    EXPECT_EQ(*apply(SettingId::Cnt, "KA_CNT", "1").config.keepalive.cnt, 1);
    EXPECT_EQ(*apply(SettingId::Cnt, "KA_CNT", "127").config.keepalive.cnt, 127);
    EXPECT_EQ(apply(SettingId::Cnt, "KA_CNT", "128").message, "kashim: KA_CNT=\"128\" is out of range; use 1 to 127");
    EXPECT_EQ(apply(SettingId::Cnt, "KA_CNT", "0").message, "kashim: KA_CNT=\"0\" is out of range; use 1 to 127");
    EXPECT_EQ(apply(SettingId::Cnt, "KA_CNT", "3s").message, "kashim: KA_CNT=\"3s\" is not a whole number; use 1 to 127");
    EXPECT_EQ(apply(SettingId::Cnt, "KA_CNT", "").message, "kashim: KA_CNT=\"\" is empty; use 1 to 127");
}

TEST(Settings, UserTimeoutIsAutoOffOrADurationInMilliseconds) {
    using Kind = UserTimeoutSetting::Kind;
    auto ut = [](const char* v) { return apply(SettingId::UserTimeout, "KA_USER_TIMEOUT", v).config.keepalive.user_timeout; };
    EXPECT_EQ(ut("auto").kind, Kind::Auto);
    EXPECT_EQ(ut("AUTO").kind, Kind::Auto);
    EXPECT_EQ(ut("off").kind, Kind::Off);
    EXPECT_EQ(ut("0").kind, Kind::Off);
    EXPECT_EQ(ut("0ms").kind, Kind::Off);
    EXPECT_EQ(ut("1500ms").kind, Kind::Millis);
    EXPECT_EQ(ut("1500ms").millis, 1500u);
    EXPECT_EQ(ut("3").millis, 3000u);
    EXPECT_EQ(ut("2147483647ms").millis, 2147483647u);
    EXPECT_EQ(apply(SettingId::UserTimeout, "KA_USER_TIMEOUT", "2147483648ms").message,
              "kashim: KA_USER_TIMEOUT=\"2147483648ms\" is out of range; use e.g. 30s, 1500ms or 2m "
              "(1 ms to 2147483647 ms), auto, or 0/off for the kernel default");
    EXPECT_FALSE(apply(SettingId::UserTimeout, "KA_USER_TIMEOUT", "soon").accepted);
}

TEST(Settings, EnablePolicyLog) {
    EXPECT_FALSE(apply(SettingId::Enable, "KA_ENABLE", "0").config.enabled);
    EXPECT_FALSE(apply(SettingId::Enable, "KA_ENABLE", "off").config.enabled);
    EXPECT_FALSE(apply(SettingId::Enable, "KA_ENABLE", "FALSE").config.enabled);
    EXPECT_TRUE(apply(SettingId::Enable, "KA_ENABLE", "1").config.enabled);
    EXPECT_EQ(apply(SettingId::Enable, "KA_ENABLE", "maybe").message,
              "kashim: KA_ENABLE=\"maybe\" is not understood; use 1/on/true/yes or 0/off/false/no");
    EXPECT_EQ(apply(SettingId::Policy, "KA_POLICY", "respect").config.policy, Policy::Respect);
    EXPECT_EQ(apply(SettingId::Policy, "KA_POLICY", "override").config.policy, Policy::Override);
    EXPECT_EQ(apply(SettingId::Policy, "KA_POLICY", "CAP").config.policy, Policy::Cap);
    EXPECT_EQ(apply(SettingId::Policy, "KA_POLICY", "win").message,
              "kashim: KA_POLICY=\"win\" is not a policy; use cap, override or respect");
    EXPECT_EQ(apply(SettingId::Log, "KA_LOG", "debug").config.log_level, LogLevel::Debug);
    EXPECT_EQ(apply(SettingId::Log, "KA_LOG", "off").config.log_level, LogLevel::Off);
    EXPECT_EQ(apply(SettingId::Log, "KA_LOG", "verbose").message,
              "kashim: KA_LOG=\"verbose\" is not a log level; use off, error, warn, info or debug");
}

TEST(Settings, LogFileLengthIsBounded) {
    EXPECT_EQ(apply(SettingId::LogFile, "KA_LOG_FILE", "/tmp/k.log").config.log_file.view(), "/tmp/k.log");
    std::string long_path(kMaxPathLength, 'a');
    EXPECT_EQ(apply(SettingId::LogFile, "KA_LOG_FILE", long_path).message,
              "kashim: KA_LOG_FILE is longer than 4095 bytes; ignored");
}

TEST(Settings, UntrustedInputIsShownOnOneSafeLine) {
    std::string message = apply(SettingId::Idle, "KA_IDLE", "a\nb\"\x01").message;
    EXPECT_EQ(message.find('\n'), std::string::npos);
    EXPECT_NE(message.find("\"a\\x0ab\\\"\\x01\""), std::string::npos) << message;
    std::string huge(10000, '9');
    EXPECT_LT(apply(SettingId::Idle, "KA_IDLE", huge).message.size(), 200u);
}

TEST(Settings, AMisspelledNameFindsTheClosestKnownOne) {
    EXPECT_EQ(closest_setting_name("KA_IDEL"), "KA_IDLE");
    EXPECT_EQ(closest_setting_name("KA_INTERVAL"), "KA_INTVL");
    EXPECT_EQ(closest_setting_name("KA_COUNT"), "KA_CNT");
    EXPECT_EQ(closest_setting_name("ka_log"), "KA_LOG");
    EXPECT_EQ(closest_setting_name("KA_SOMETHING_ELSE_ENTIRELY"), "");
}

TEST(Report, KeepsAFixedNumberAndCountsTheRest) {
    LoadReport report;
    for (size_t i = 0; i < LoadReport::kCapacity + 3; ++i) report.add(LogLevel::Warn).add("x");
    EXPECT_EQ(report.count(), LoadReport::kCapacity);
    EXPECT_EQ(report.dropped(), 3u);
    EXPECT_EQ(report.text(0), "kashim: x");
}
