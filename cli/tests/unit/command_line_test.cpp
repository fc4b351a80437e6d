#include "command_line.h"

#include <gtest/gtest.h>

namespace kashim::cli {
namespace {

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

TEST(CommandLine, ValuesInlineOrNext) {
    Arguments args = {"--unit=a.service", "--unit", "b.service", "--unit"};
    Cursor cursor{args};
    std::string value, error;
    ASSERT_TRUE(names_option(cursor.peek(), "unit"));
    ASSERT_TRUE(take_value(cursor.take(), cursor, value, error));
    EXPECT_EQ(value, "a.service");
    ASSERT_TRUE(take_value(cursor.take(), cursor, value, error));
    EXPECT_EQ(value, "b.service");
    EXPECT_FALSE(take_value(cursor.take(), cursor, value, error));
    EXPECT_EQ(error, "option '--unit' needs a value");
    EXPECT_FALSE(names_option("--units", "unit"));
    EXPECT_FALSE(names_option("-unit", "unit"));
}

TEST(CommandLine, SettingsKeepTheirOrder) {
    Arguments args = {"--detect=30s", "--rule", "port=22 off", "--idle", "0"};
    Cursor cursor{args};
    std::vector<SettingAssignment> settings;
    std::string error;
    EXPECT_TRUE(take_setting(cursor.take(), cursor, settings, error));
    EXPECT_TRUE(take_setting(cursor.take(), cursor, settings, error));
    ASSERT_EQ(settings.size(), 2u);
    EXPECT_EQ(settings[0].option->env_name, "KA_DETECT");
    EXPECT_EQ(settings[1].value, "port=22 off");
    EXPECT_FALSE(take_setting(cursor.take(), cursor, settings, error));
    EXPECT_EQ(error, "--idle=\"0\" is out of range; use 1 s to 32767 s");
}

TEST(CommandLine, UnknownOptionsNameTheNearestOtherOne) {
    EXPECT_EQ(unknown_option("--idel=3"), "unknown option '--idel=3'; did you mean --idle?");
    EXPECT_EQ(unknown_option("-idle"), "unknown option '-idle'; did you mean --idle?");
    EXPECT_EQ(unknown_option("--idle"), "unknown option '--idle'");
    EXPECT_EQ(unknown_option("-x"), "unknown option '-x'");
}

TEST(CommandLine, ProcessIds) {
    std::string error;
    EXPECT_EQ(process_id("1234", "apply", error), 1234);
    EXPECT_EQ(process_id("0", "apply", error), 0);
    EXPECT_EQ(process_id("99999999999", "apply", error), 0);
    EXPECT_EQ(process_id("12x", "apply", error), 0);
    EXPECT_EQ(error, "apply: '12x' is not a process id");
}

}  // namespace
}  // namespace kashim::cli
