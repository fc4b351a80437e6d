#include "settings_report.h"

#include <gtest/gtest.h>

namespace kashim::cli {
namespace {

struct Report {
    Environment parent;
    std::vector<SettingAssignment> settings;
    LibrarySearch library{std::string("/usr/lib/libkashim.so"), "next to /usr/bin/kashim", {}};
    KernelKeepalive kernel{7200, 75, 9};

    std::string text(std::optional<std::string> program = std::nullopt) {
        Environment child = child_environment(parent, settings, *library.path);
        return settings_report({parent, child, settings, library, kernel, program, std::nullopt});
    }
};

const char* kNoConfigFile[] = {"KA_CONFIG=", nullptr};

void expect_all(const std::string& text, std::initializer_list<const char*> parts) {
    for (const char* part : parts) EXPECT_NE(text.find(part), std::string::npos) << "no \"" << part << "\" in\n" << text;
}

TEST(SettingsReport, DetectGivesTheWorstCases) {
    Report report{Environment(kNoConfigFile), {{find_setting_option("detect"), "30s"}}};
    std::string text = report.text();
    EXPECT_NE(text.find("LD_PRELOAD    /usr/lib/libkashim.so\n"), std::string::npos) << text;
    EXPECT_NE(text.find("settings      KA_DETECT=30s (--detect), KA_CONFIG= (environment)\n"), std::string::npos) << text;
    EXPECT_NE(text.find("idle          15 s (from KA_DETECT)\ninterval      5 s (from KA_DETECT)\n"
                        "count         3 (from KA_DETECT)\nuser timeout  30 s (from KA_DETECT)\n"),
              std::string::npos)
        << text;
    EXPECT_NE(text.find("detection     within 30 s idle, 30 s with data in flight\n"), std::string::npos) << text;
    EXPECT_NE(text.find("rules         none\n"), std::string::npos) << text;
    EXPECT_NE(text.find("config file   none\n"), std::string::npos) << text;
}

TEST(SettingsReport, KernelDefaultsWhenNothingIsSet) {
    Report report{Environment(kNoConfigFile), {}};
    std::string text = report.text();
    EXPECT_NE(text.find("idle          7200 s (kernel)\n"), std::string::npos) << text;
    EXPECT_NE(text.find("detection     within 7875 s idle, only after the retransmission timeout"), std::string::npos)
        << text;
}

TEST(SettingsReport, RulesWithTheirOwnBounds) {
    const char* entries[] = {"KA_CONFIG=", "KA_RULES=port=22 off", nullptr};
    Report report{Environment(entries), {{find_setting_option("idle"), "60"}, {find_setting_option("rule"), "addr=10.0.0.0/8 detect=10s"}}};
    std::string text = report.text();
    EXPECT_NE(text.find("KA_RULES=port=22 off;addr=10.0.0.0/8 detect=10s (environment and --rule)"), std::string::npos)
        << text;
    EXPECT_NE(text.find("rules         1. port=22 off: no keepalive from kashim\n"
                        "              2. addr=10.0.0.0/8 detect=10s: within 10 s idle, 10 s with data in flight\n"),
              std::string::npos)
        << text;
}

TEST(SettingsReport, ProblemsInTheEnvironmentAreShown) {
    const char* entries[] = {"KA_CONFIG=", "KA_IDLE=never", "KA_IDEL=3", nullptr};
    Report report{Environment(entries), {}};
    std::string text = report.text();
    EXPECT_NE(text.find("problem       kashim: KA_IDLE=\"never\" is not a duration"), std::string::npos) << text;
    EXPECT_NE(text.find("did you mean KA_IDLE?"), std::string::npos) << text;
}

TEST(SettingsReport, DisabledSaysSoAndWhy) {
    Report report{Environment(kNoConfigFile), {{find_setting_option("enable"), "off"}}};
    EXPECT_NE(report.text().find("keepalive     disabled (KA_ENABLE)"), std::string::npos);
}

TEST(SettingsReport, EachValueSaysWhichNameGaveIt) {
    const char* entries[] = {"KA_CONFIG=", "TCP_KEEPIDLE=30", "TCP_USER_TIMEOUT=9000", "DD_TCP_KEEPALIVE_PROBES=6",
                             "KEEPCNT=4", "DD_DEBUG=1", nullptr};
    Report report{Environment(entries), {{find_setting_option("intvl"), "5"}}};
    std::string text = report.text();
    expect_all(text, {"idle          30 s (from TCP_KEEPIDLE, msantos/libkeepalive's name)\n",
                      "interval      5 s (from KA_INTVL)\n",
                      "count         6 (from DD_TCP_KEEPALIVE_PROBES, libdontdie's name)\n",
                      "user timeout  9 s (from TCP_USER_TIMEOUT, msantos/libkeepalive's name)\n",
                      "log           debug to stderr (from DD_DEBUG, libdontdie's name)\n",
                      "TCP_KEEPIDLE=30 (environment, msantos/libkeepalive's name)",
                      "KEEPCNT=4 (environment, Busatto's libkeepalive's name; DD_TCP_KEEPALIVE_PROBES wins)"});
    // The loader's info lines are not problems.
    EXPECT_EQ(text.find("problem"), std::string::npos) << text;
}

TEST(SettingsReport, AnAnchorsZeroIsTheKernelsValueAndSaysWhose) {
    const char* entries[] = {"KA_CONFIG=", "TCP_KEEPIDLE=0", nullptr};
    Report report{Environment(entries), {}};
    std::string text = report.text();
    EXPECT_NE(text.find("idle          7200 s (kernel, from TCP_KEEPIDLE, msantos/libkeepalive's name)\n"),
              std::string::npos)
        << text;
    // The control: nothing set is the kernel's value from nobody.
    Report nothing{Environment(kNoConfigFile), {}};
    EXPECT_NE(nothing.text().find("idle          7200 s (kernel)\n"), std::string::npos);
}

TEST(SettingsReport, AnAnchorsBadValueAndOptionsOutsideKashimsJobAreProblems) {
    const char* entries[] = {"KA_CONFIG=", "TCP_KEEPIDLE=30s", "TCP_SYNCNT=2", nullptr};
    Report report{Environment(entries), {}};
    std::string text = report.text();
    expect_all(text, {"problem       kashim: TCP_KEEPIDLE=\"30s\" ignored: msantos/libkeepalive's TCP_KEEPIDLE "
                      "takes whole seconds",
                      "problem       kashim: TCP_SYNCNT=\"2\" (msantos/libkeepalive's) ignored",
                      "TCP_SYNCNT=2 (environment, msantos/libkeepalive's name; not kashim's)",
                      "idle          7200 s (kernel)\n"});
}

TEST(SettingsReport, DdUseKeepaliveZeroDisablesAndSaysSo) {
    const char* entries[] = {"KA_CONFIG=", "DD_USE_KEEPALIVE=0", nullptr};
    Report report{Environment(entries), {}};
    EXPECT_NE(report.text().find("keepalive     disabled (DD_USE_KEEPALIVE, libdontdie's name)"), std::string::npos)
        << report.text();
}

TEST(SettingsReport, ProgramNotFound) {
    Report report{Environment(kNoConfigFile), {}};
    EXPECT_NE(report.text("nope").find("program       nope: not found"), std::string::npos);
}

}  // namespace
}  // namespace kashim::cli
