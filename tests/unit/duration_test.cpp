#include "core/duration.h"

#include <gtest/gtest.h>

using namespace kashim;

TEST(Duration, BareNumberIsSeconds) {
    EXPECT_EQ(parse_duration_ms("10").value, 10000u);
    EXPECT_EQ(parse_duration_ms("0").value, 0u);
}

TEST(Duration, EachUnitScalesToMilliseconds) {
    EXPECT_EQ(parse_duration_ms("1500ms").value, 1500u);
    EXPECT_EQ(parse_duration_ms("30s").value, 30000u);
    EXPECT_EQ(parse_duration_ms("5m").value, 300000u);
    EXPECT_EQ(parse_duration_ms("2h").value, 7200000u);
}

TEST(Duration, RejectsWhatCouldBeATypo) {
    for (const char* bad : {"abc", " 10", "10 ", "-5", "+5", "1.5s", "10s5", "s", "0x10", "١٠"})
        EXPECT_NE(parse_duration_ms(bad).error, NumberError::None) << bad;
    EXPECT_EQ(parse_duration_ms("").error, NumberError::Empty);
    EXPECT_EQ(parse_duration_ms("10d").error, NumberError::UnknownUnit);
    EXPECT_EQ(parse_duration_ms("10MS").error, NumberError::UnknownUnit);
}

TEST(Duration, HugeNumbersAreTooLargeNotWrapped) {
    EXPECT_EQ(parse_duration_ms("99999999999999999999999999").error, NumberError::TooLarge);
    EXPECT_EQ(parse_duration_ms("18446744073709551617").error, NumberError::TooLarge);
    EXPECT_EQ(parse_duration_ms("999999999999h").error, NumberError::None);  // in range of uint64
    EXPECT_EQ(parse_duration_ms("999999999999h").value, 999999999999ull * 3600000);
}

TEST(Count, OnlyDigitsAndNoOverflow) {
    EXPECT_EQ(parse_count("127").value, 127u);
    EXPECT_EQ(parse_count("").error, NumberError::Empty);
    EXPECT_EQ(parse_count("3s").error, NumberError::NotANumber);
    EXPECT_EQ(parse_count("-1").error, NumberError::NotANumber);
    EXPECT_EQ(parse_count("184467440737095516170").error, NumberError::TooLarge);
}
