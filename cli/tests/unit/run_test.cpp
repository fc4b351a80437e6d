#include "commands/run.h"

#include <gtest/gtest.h>

namespace kashim::cli {
namespace {

Parsed<RunOptions> parse(Arguments args) { return parse_run_options(args); }

TEST(RunOptions, ProgramAfterOptionsOrDoubleDash) {
    Parsed<RunOptions> parsed = parse({"--idle", "30", "--cnt=3", "curl", "-v", "--idle", "x"});
    ASSERT_EQ(parsed.error, "");
    const RunOptions& options = parsed.options;
    EXPECT_FALSE(options.print);
    ASSERT_EQ(options.settings.size(), 2u);
    EXPECT_EQ(options.settings[0].option->env_name, "KA_IDLE");
    EXPECT_EQ(options.settings[0].value, "30");
    EXPECT_EQ(options.settings[1].value, "3");
    EXPECT_EQ(options.program, (std::vector<std::string>{"curl", "-v", "--idle", "x"}));

    parsed = parse({"--strict", "--", "-weird-name"});
    ASSERT_EQ(parsed.error, "");
    EXPECT_TRUE(parsed.options.strict);
    EXPECT_EQ(parsed.options.program, (std::vector<std::string>{"-weird-name"}));
}

TEST(RunOptions, RepeatedRulesAreAllKept) {
    Parsed<RunOptions> parsed = parse({"--rule", "addr=10.0.0.0/8 idle=5", "--rule=port=5432 cnt=2", "psql"});
    ASSERT_EQ(parsed.error, "");
    ASSERT_EQ(parsed.options.settings.size(), 2u);
    EXPECT_EQ(parsed.options.settings[1].value, "port=5432 cnt=2");
}

TEST(RunOptions, BadValuesGetTheShimsMessageWithTheOptionName) {
    EXPECT_EQ(parse({"--idle", "0", "true"}).error, "--idle=\"0\" is out of range; use 1 s to 32767 s");
    EXPECT_EQ(parse({"--cnt=abc", "true"}).error.rfind("--cnt=\"abc\" is not a whole number", 0), 0u);
    EXPECT_NE(parse({"--rule", "nonsense", "true"}).error.find("--rule rule 1: \"nonsense\""), std::string::npos);
    EXPECT_NE(parse({"--detect", "1s", "true"}).error, "");
    EXPECT_EQ(parse({"--policy", "respect", "true"}).error, "");
}

TEST(RunOptions, UsageErrorsNameTheOptionAndTheNearestKnownOne) {
    EXPECT_EQ(parse({"--idel", "3", "true"}).error, "unknown option '--idel'; did you mean --idle?");
    EXPECT_EQ(parse({"--frobnicate", "true"}).error, "unknown option '--frobnicate'");
    EXPECT_EQ(parse({"---", "true"}).error, "unknown option '---'");
    EXPECT_EQ(parse({"---idle", "3", "true"}).error, "unknown option '---idle'; did you mean --idle?");
    EXPECT_EQ(parse({"-x", "true"}).error, "unknown option '-x'");
    EXPECT_EQ(parse({"--idle"}).error, "option '--idle' needs a value");
    EXPECT_NE(parse({"--idle", "3"}).error.find("no program given"), std::string::npos);
    EXPECT_NE(parse({}).error.find("no program given"), std::string::npos);
}

TEST(RunOptions, SeccompIsAutomaticUnlessForcedOrRefused) {
    EXPECT_EQ(parse({"--seccomp", "--idle", "3", "./static"}).options.supervision, Supervision::Always);
    EXPECT_EQ(parse({"./static"}).options.supervision, Supervision::Automatic);
    EXPECT_EQ(parse({"--no-seccomp", "./static"}).options.supervision, Supervision::Never);
    EXPECT_NE(parse({"--seccomp", "--print", "true"}).error, "");
}

TEST(RunOptions, CgroupIsAnEngineOfItsOwn) {
    EXPECT_TRUE(parse({"--cgroup", "--", "true"}).options.cgroup);
    EXPECT_NE(parse({"--cgroup", "--seccomp", "true"}).error.find("different engines"), std::string::npos);
    EXPECT_NE(parse({"--cgroup", "--print", "true"}).error.find("--print shows the LD_PRELOAD way"), std::string::npos);
}

TEST(RunOptions, PrintHelpVersion) {
    EXPECT_TRUE(parse({"--print"}).options.print);
    EXPECT_EQ(parse({"-n"}).error, "");
    EXPECT_EQ(parse({"-n", "--idle", "3", "curl"}).options.program.size(), 1u);
    EXPECT_TRUE(parse({"--idle", "3", "--help"}).help);
    EXPECT_TRUE(parse({"-h"}).help);
    EXPECT_TRUE(parse({"--version"}).options.version);
    // After the program, everything is the program's.
    Parsed<RunOptions> program_help = parse({"ls", "--help"});
    EXPECT_FALSE(program_help.help);
    EXPECT_EQ(program_help.options.program, (std::vector<std::string>{"ls", "--help"}));
}

}  // namespace
}  // namespace kashim::cli
