#include "duration_text.h"

#include <gtest/gtest.h>

namespace kashim::cli {
namespace {

TEST(SecondsText, OnlyTheDecimalsThatMatter) {
    EXPECT_EQ(seconds_text(0), "0 s");
    EXPECT_EQ(seconds_text(30000), "30 s");
    EXPECT_EQ(seconds_text(1500), "1.5 s");
    EXPECT_EQ(seconds_text(250), "0.25 s");
    EXPECT_EQ(seconds_text(29531), "29.531 s");
    EXPECT_EQ(seconds_text(7875000), "7875 s");
}

}  // namespace
}  // namespace kashim::cli
