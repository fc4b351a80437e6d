#include "commands/subcommands.h"

#include <gtest/gtest.h>

#include <set>

#include "commands/apply.h"
#include "commands/attach.h"
#include "commands/attached.h"
#include "commands/check.h"
#include "commands/detach.h"
#include "commands/run.h"
#include "commands/stats.h"
#include "commands/status.h"

namespace kashim::cli {
namespace {

TEST(Subcommands, FoundByTheirOwnNameOnly) {
    std::set<std::string_view> names;
    for (const Subcommand* subcommand : subcommands()) {
        EXPECT_EQ(find_subcommand(subcommand->name), subcommand);
        EXPECT_EQ(subcommand->synopsis.substr(0, subcommand->name.size()), subcommand->name);
        EXPECT_TRUE(names.insert(subcommand->name).second) << subcommand->name;
    }
    EXPECT_EQ(find_subcommand("--"), nullptr);
    EXPECT_EQ(find_subcommand("stat"), nullptr);
    // A program called "status" is still reachable.
    EXPECT_EQ(parse_run_options({"--", "status"}).options.program, (std::vector<std::string>{"status"}));
}

std::string help_of(const Subcommand& subcommand) {
    testing::internal::CaptureStdout();
    EXPECT_EQ(subcommand.run({"--help"}), 0) << subcommand.name;
    return testing::internal::GetCapturedStdout();
}

TEST(Subcommands, EachHelpStartsWithItsOwnUsage) {
    for (const Subcommand* subcommand : subcommands()) {
        std::string help = help_of(*subcommand);
        EXPECT_EQ(help.rfind("Usage: kashim " + std::string(subcommand->synopsis) + "\n\n", 0), 0u) << help;
        EXPECT_NE(help.find("\n  -h, --help "), std::string::npos) << help;
    }
}

TEST(Subcommands, SettingsAreListedWhereTheyAreTaken) {
    EXPECT_NE(help_of(kApplyCommand).find("\n  --rule RULE "), std::string::npos);
    EXPECT_NE(help_of(kAttachCommand).find("\n  --rule RULE "), std::string::npos);
    EXPECT_EQ(help_of(kDetachCommand).find("--rule"), std::string::npos);
    EXPECT_EQ(help_of(kStatusCommand).find("--rule"), std::string::npos);
}

TEST(CheckOptions, OneFileAtMost) {
    EXPECT_EQ(parse_check_options({}).options.config_file, "");
    EXPECT_EQ(parse_check_options({"/tmp/k.conf"}).options.config_file, "/tmp/k.conf");
    EXPECT_EQ(parse_check_options({"a", "b"}).error, "check: takes one file at most; usage: kashim check [FILE]");
    EXPECT_EQ(parse_check_options({"--frobnicate"}).error, "unknown option '--frobnicate'");
    EXPECT_TRUE(parse_check_options({"--help"}).help);
}

TEST(ApplyOptions, SettingsAndPids) {
    Parsed<ApplyOptions> parsed = parse_apply_options({"--detect", "10s", "12", "--idle=5", "34"});
    ASSERT_EQ(parsed.error, "");
    EXPECT_EQ(parsed.options.pids, (std::vector<int>{12, 34}));
    ASSERT_EQ(parsed.options.settings.size(), 2u);
    EXPECT_EQ(parsed.options.settings[1].option->env_name, "KA_IDLE");
    EXPECT_EQ(parse_apply_options({"--idle", "5"}).error,
              "apply: no process given; usage: kashim apply [OPTIONS] PID...");
    EXPECT_EQ(parse_apply_options({"x"}).error, "apply: 'x' is not a process id");
    EXPECT_EQ(parse_apply_options({"--idel", "5", "1"}).error, "unknown option '--idel'; did you mean --idle?");
    EXPECT_TRUE(parse_apply_options({"-h"}).help);
}

TEST(AttachOptions, OneGroupWithSettings) {
    Parsed<AttachOptions> parsed = parse_attach_options({"--detect", "30s", "--foreground", "--unit", "nginx.service"});
    ASSERT_EQ(parsed.error, "");
    EXPECT_EQ(parsed.options.group.unit, "nginx.service");
    EXPECT_TRUE(parsed.options.foreground);
    EXPECT_TRUE(parsed.options.existing);
    ASSERT_EQ(parsed.options.settings.size(), 1u);

    parsed = parse_attach_options({"--no-existing", "--pid=42"});
    ASSERT_EQ(parsed.error, "");
    EXPECT_EQ(parsed.options.group.pid, 42);
    EXPECT_FALSE(parsed.options.existing);
    EXPECT_EQ(parse_attach_options({"system.slice/x.service"}).options.group.path, "system.slice/x.service");

    const std::string exactly_one = "attach: name exactly one group: a cgroup v2 directory, --unit NAME or --pid PID";
    EXPECT_EQ(parse_attach_options({}).error, exactly_one);
    EXPECT_EQ(parse_attach_options({"a", "b"}).error, exactly_one);
    EXPECT_EQ(parse_attach_options({"a", "--unit", "u"}).error, exactly_one);
    EXPECT_EQ(parse_attach_options({"--pid", "x"}).error, "attach: 'x' is not a process id");
    EXPECT_EQ(parse_attach_options({"--unit"}).error, "option '--unit' needs a value");
    EXPECT_EQ(parse_attach_options({"--idle", "0", "a"}).error, "--idle=\"0\" is out of range; use 1 s to 32767 s");
    EXPECT_TRUE(parse_attach_options({"--help"}).help);
}

TEST(DetachOptions, OneGroupAndNoSettings) {
    EXPECT_EQ(parse_detach_options({"--unit=nginx.service"}).options.group.unit, "nginx.service");
    EXPECT_EQ(parse_detach_options({"--idle", "5", "a"}).error, "unknown option '--idle'");
    EXPECT_EQ(parse_detach_options({"--foreground", "a"}).error, "unknown option '--foreground'");
    EXPECT_EQ(parse_detach_options({}).error,
              "detach: name exactly one group: a cgroup v2 directory, --unit NAME or --pid PID");
    EXPECT_EQ(parse_detach_options({"--pid", "0"}).error, "detach: '0' is not a process id");
    EXPECT_TRUE(parse_detach_options({"-h"}).help);
}

TEST(AttachedOptions, NoneButHelp) {
    EXPECT_EQ(parse_attached_options({}).error, "");
    EXPECT_EQ(parse_attached_options({"x"}).error, "attached: takes no arguments");
    EXPECT_TRUE(parse_attached_options({"--help"}).help);
}

TEST(StatsOptions, GroupsFormatsAndListen) {
    Parsed<StatsOptions> parsed = parse_stats_options({});
    EXPECT_EQ(parsed.error, "");
    EXPECT_TRUE(parsed.options.groups.empty());
    EXPECT_EQ(parsed.options.format, StatsFormat::table);

    parsed = parse_stats_options({"/a", "--unit", "x.service", "--pid=12", "--json"});
    EXPECT_EQ(parsed.error, "");
    ASSERT_EQ(parsed.options.groups.size(), 3u);
    EXPECT_EQ(parsed.options.groups[0].path, "/a");
    EXPECT_EQ(parsed.options.groups[1].unit, "x.service");
    EXPECT_EQ(parsed.options.groups[2].pid, 12);
    EXPECT_EQ(parsed.options.format, StatsFormat::json);

    parsed = parse_stats_options({"--listen", "9977"});
    EXPECT_EQ(parsed.error, "");
    EXPECT_TRUE(parsed.options.listen);
    EXPECT_EQ(parsed.options.format, StatsFormat::prometheus);
    EXPECT_EQ(parsed.options.address.text(), "127.0.0.1:9977");

    EXPECT_EQ(parse_stats_options({"--json", "--prometheus"}).error, "stats: --json and --prometheus go one at a time");
    EXPECT_EQ(parse_stats_options({"--json", "--listen=:1"}).error,
              "stats: --listen serves the Prometheus format; it does not go with --json");
    EXPECT_EQ(parse_stats_options({"--listen"}).error, "option '--listen' needs a value");
    EXPECT_NE(parse_stats_options({"--listen", "99999"}).error, "");
    EXPECT_EQ(parse_stats_options({"--frobnicate"}).error, "unknown option '--frobnicate'");
    EXPECT_TRUE(parse_stats_options({"--help"}).help);
}

}  // namespace
}  // namespace kashim::cli
