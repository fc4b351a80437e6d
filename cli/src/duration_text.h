// Durations as operators read them.
#pragma once

#include <cstdint>
#include <string>

namespace kashim::cli {

// "30 s", "1.5 s", "0.25 s": seconds, with only the decimals that are not zero.
std::string seconds_text(uint64_t millis);

}  // namespace kashim::cli
