#include "child_environment.h"

#include <gtest/gtest.h>

namespace kashim::cli {
namespace {

TEST(PreloadWith, LibraryGoesFirstAndTheRestStays) {
    EXPECT_EQ(preload_with("/l/libkashim.so", std::nullopt), "/l/libkashim.so");
    EXPECT_EQ(preload_with("/l/libkashim.so", ""), "/l/libkashim.so");
    EXPECT_EQ(preload_with("/l/libkashim.so", "/a.so"), "/l/libkashim.so:/a.so");
    EXPECT_EQ(preload_with("/l/libkashim.so", "/a.so /b.so:/c.so"), "/l/libkashim.so:/a.so:/b.so:/c.so");
    EXPECT_EQ(preload_with("/l/libkashim.so", "/a.so:/l/libkashim.so"), "/l/libkashim.so:/a.so");
    EXPECT_EQ(preload_with("/l/libkashim.so", " : "), "/l/libkashim.so");
}

TEST(Environment, SetReplacesAndGetTellsEmptyFromMissing) {
    const char* entries[] = {"PATH=/bin", "EMPTY=", "KA_IDLE=5", nullptr};
    Environment environment(entries);
    EXPECT_EQ(environment.get("PATH"), "/bin");
    EXPECT_EQ(environment.get("EMPTY"), "");
    EXPECT_EQ(environment.get("PAT"), std::nullopt);
    environment.set("KA_IDLE", "30");
    environment.set("NEW", "x");
    EXPECT_EQ(environment.entries(), (std::vector<std::string>{"PATH=/bin", "EMPTY=", "KA_IDLE=30", "NEW=x"}));
    std::vector<char*> pointers = environment.pointers();
    ASSERT_EQ(pointers.size(), 5u);
    EXPECT_STREQ(pointers[2], "KA_IDLE=30");
    EXPECT_EQ(pointers[4], nullptr);
}

TEST(ChildEnvironment, SettingsReplaceRulesAppendPreloadIsFirst) {
    const char* entries[] = {"KA_IDLE=5", "KA_RULES=addr=10.0.0.0/8 idle=5", "LD_PRELOAD=/a.so", nullptr};
    Environment parent(entries);
    std::vector<SettingAssignment> settings = {
        {find_setting_option("idle"), "30"},
        {find_setting_option("rule"), "port=22 off"},
        {find_setting_option("idle"), "40"},
        {find_setting_option("rule"), "port=80 cnt=2"},
    };
    Environment child = child_environment(parent, settings, "/l/libkashim.so");
    EXPECT_EQ(child.get("KA_IDLE"), "40");
    EXPECT_EQ(child.get("KA_RULES"), "addr=10.0.0.0/8 idle=5;port=22 off;port=80 cnt=2");
    EXPECT_EQ(child.get("LD_PRELOAD"), "/l/libkashim.so:/a.so");
    EXPECT_EQ(parent.get("KA_IDLE"), "5");
}

TEST(ChildEnvironment, FirstRuleWithoutEarlierRules) {
    const char* entries[] = {"KA_RULES=", nullptr};
    Environment child = child_environment(Environment(entries), {{find_setting_option("rule"), "port=22 off"}}, "/k.so");
    EXPECT_EQ(child.get("KA_RULES"), "port=22 off");
    EXPECT_EQ(child.get("LD_PRELOAD"), "/k.so");
}

}  // namespace
}  // namespace kashim::cli
