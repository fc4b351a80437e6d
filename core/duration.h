// Parsing of the numbers operators write: durations ("10", "30s", "5m", "1500ms") and plain counts.
#pragma once

#include <cstdint>
#include <string_view>

namespace kashim {

enum class NumberError { None, Empty, NotANumber, UnknownUnit, TooLarge };

struct ParsedNumber {
    NumberError error = NumberError::None;
    uint64_t value = 0;  // milliseconds for durations
};

// Digits then an optional unit: ms, s, m or h; a bare number is seconds. Nothing else is
// accepted (no sign, no spaces, no fraction), so a typo can never silently mean something else.
ParsedNumber parse_duration_ms(std::string_view text);

// Plain ASCII digits only.
ParsedNumber parse_count(std::string_view text);

}  // namespace kashim
