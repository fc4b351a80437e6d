#include "command_line.h"

#include <gtest/gtest.h>

namespace kashim::cli {
namespace {

ParseOutcome parse(std::vector<std::string_view> args) { return parse_command_line(args); }

TEST(CommandLine, EverySettingOfTheShimIsAnOption) {
    for (const SettingName& setting : kSettingNames) {
        bool found = false;
        for (const SettingOption& option : setting_options()) found = found || option.env_name == setting.env_name;
        EXPECT_TRUE(found) << setting.env_name;
    }
    EXPECT_EQ(setting_options().size(), std::size(kSettingNames));
}

TEST(CommandLine, OptionNamesAreTheVariablesRespelled) {
    ASSERT_NE(find_setting_option("user-timeout"), nullptr);
    EXPECT_EQ(find_setting_option("user-timeout")->env_name, "KA_USER_TIMEOUT");
    EXPECT_EQ(find_setting_option("log-file")->env_name, "KA_LOG_FILE");
    EXPECT_EQ(find_setting_option("detect")->env_name, "KA_DETECT");
    EXPECT_EQ(find_setting_option("config")->env_name, "KA_CONFIG");
    ASSERT_NE(find_setting_option("rule"), nullptr);
    EXPECT_EQ(find_setting_option("rule")->env_name, "KA_RULES");
    EXPECT_TRUE(find_setting_option("rule")->appends);
    EXPECT_FALSE(find_setting_option("idle")->appends);
    EXPECT_EQ(find_setting_option("rules"), nullptr);
    EXPECT_EQ(find_setting_option("IDLE"), nullptr);
}

TEST(CommandLine, ProgramAfterOptionsOrDoubleDash) {
    ParseOutcome outcome = parse({"--idle", "30", "--cnt=3", "curl", "-v", "--idle", "x"});
    ASSERT_EQ(outcome.error, "");
    const Invocation& invocation = outcome.invocation;
    EXPECT_EQ(invocation.command, Command::Run);
    ASSERT_EQ(invocation.settings.size(), 2u);
    EXPECT_EQ(invocation.settings[0].option->env_name, "KA_IDLE");
    EXPECT_EQ(invocation.settings[0].value, "30");
    EXPECT_EQ(invocation.settings[1].value, "3");
    EXPECT_EQ(invocation.program, (std::vector<std::string>{"curl", "-v", "--idle", "x"}));

    outcome = parse({"--strict", "--", "-weird-name"});
    ASSERT_EQ(outcome.error, "");
    EXPECT_TRUE(outcome.invocation.strict);
    EXPECT_EQ(outcome.invocation.program, (std::vector<std::string>{"-weird-name"}));
}

TEST(CommandLine, RepeatedRulesAreAllKept) {
    ParseOutcome outcome = parse({"--rule", "addr=10.0.0.0/8 idle=5", "--rule=port=5432 cnt=2", "psql"});
    ASSERT_EQ(outcome.error, "");
    ASSERT_EQ(outcome.invocation.settings.size(), 2u);
    EXPECT_EQ(outcome.invocation.settings[1].value, "port=5432 cnt=2");
}

TEST(CommandLine, BadValuesGetTheShimsMessageWithTheOptionName) {
    EXPECT_EQ(parse({"--idle", "0", "true"}).error, "--idle=\"0\" is out of range; use 1 s to 32767 s");
    EXPECT_EQ(parse({"--cnt=abc", "true"}).error.rfind("--cnt=\"abc\" is not a whole number", 0), 0u);
    EXPECT_NE(parse({"--rule", "nonsense", "true"}).error.find("--rule rule 1: \"nonsense\""), std::string::npos);
    EXPECT_NE(parse({"--detect", "1s", "true"}).error, "");
    EXPECT_EQ(parse({"--policy", "respect", "true"}).error, "");
}

TEST(CommandLine, UsageErrorsNameTheOptionAndTheNearestKnownOne) {
    EXPECT_EQ(parse({"--idel", "3", "true"}).error, "unknown option '--idel'; did you mean --idle?");
    EXPECT_EQ(parse({"--frobnicate", "true"}).error, "unknown option '--frobnicate'");
    EXPECT_EQ(parse({"---", "true"}).error, "unknown option '---'");
    EXPECT_EQ(parse({"-x", "true"}).error, "unknown option '-x'");
    EXPECT_EQ(parse({"--idle"}).error, "option '--idle' needs a value");
    EXPECT_NE(parse({"--idle", "3"}).error.find("no program given"), std::string::npos);
    EXPECT_NE(parse({}).error.find("no program given"), std::string::npos);
}

TEST(CommandLine, SeccompIsAutomaticUnlessForcedOrRefused) {
    EXPECT_EQ(parse({"--seccomp", "--idle", "3", "./static"}).invocation.supervision, Supervision::Always);
    EXPECT_EQ(parse({"./static"}).invocation.supervision, Supervision::Automatic);
    EXPECT_EQ(parse({"--no-seccomp", "./static"}).invocation.supervision, Supervision::Never);
    EXPECT_NE(parse({"--seccomp", "--print", "true"}).error, "");
}

TEST(CommandLine, PrintHelpVersion) {
    EXPECT_EQ(parse({"--print"}).invocation.command, Command::Print);
    EXPECT_EQ(parse({"-n"}).error, "");
    EXPECT_EQ(parse({"-n", "--idle", "3", "curl"}).invocation.program.size(), 1u);
    EXPECT_EQ(parse({"--idle", "3", "--help"}).invocation.command, Command::Help);
    EXPECT_EQ(parse({"-h"}).invocation.command, Command::Help);
    EXPECT_EQ(parse({"--version"}).invocation.command, Command::Version);
    // After the program, everything is the program's.
    EXPECT_EQ(parse({"ls", "--help"}).invocation.command, Command::Run);
}

TEST(CommandLine, StatusTakesPidsAndPassive) {
    ParseOutcome outcome = parse({"status", "12", "--passive", "345"});
    ASSERT_EQ(outcome.error, "");
    EXPECT_EQ(outcome.invocation.command, Command::Status);
    EXPECT_TRUE(outcome.invocation.passive);
    EXPECT_EQ(outcome.invocation.pids, (std::vector<int>{12, 345}));
    EXPECT_TRUE(parse({"status"}).invocation.pids.empty());
    EXPECT_EQ(parse({"status", "12x"}).error, "status: '12x' is not a process id");
    EXPECT_NE(parse({"status", "0"}).error, "");
    EXPECT_NE(parse({"status", "99999999999"}).error, "");
    // A program called "status" is still reachable.
    EXPECT_EQ(parse({"--", "status"}).invocation.command, Command::Run);
}

}  // namespace
}  // namespace kashim::cli
