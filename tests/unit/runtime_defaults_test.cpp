// The preload engine gives each load's fresh zeroes the runtime's defaults by copying only the
// bytes before kRuntimeDefaultsSpan (preload/runtime.h), so the pages of rules and paths stay
// untouched. A default that is not zero beyond the span would be lost by every load.
#include "preload/runtime.h"

#include <gtest/gtest.h>

#include <cstring>

using namespace kashim;

namespace {

TEST(RuntimeDefaults, ZeroesGivenTheSpanAreTheDefaultsWhole) {
    static unsigned char built[sizeof(Runtime)];  // zeroes, as a load's fresh mapping
    std::memcpy(built, &kDefaultRuntime, kRuntimeDefaultsSpan);
    EXPECT_EQ(std::memcmp(built, &kDefaultRuntime, sizeof(Runtime)), 0)
        << "a default that is not zero lies beyond kRuntimeDefaultsSpan; move it before Config::log_file";
    // The control: the defaults do differ from zero, so the span carries something.
    static const unsigned char zeroes[sizeof(Runtime)] = {};
    EXPECT_NE(std::memcmp(zeroes, &kDefaultRuntime, sizeof(Runtime)), 0);
}

// A load's report is its fresh zeroes, never written over: an empty report must be zeroes.
TEST(RuntimeDefaults, AnEmptyLoadReportIsZeroes) {
    static const LoadReport empty{};
    static const unsigned char zeroes[sizeof(LoadReport)] = {};
    EXPECT_EQ(std::memcmp(&empty, zeroes, sizeof(LoadReport)), 0);
    EXPECT_EQ(empty.count(), 0u);
}

TEST(RuntimeDefaults, TheSpanLeavesTheLargePartsOut) {
    EXPECT_LT(kRuntimeDefaultsSpan, 4096u) << "the span a load writes should fit one page";
    EXPECT_TRUE(kDefaultRuntime.config.enabled);
}

}  // namespace
