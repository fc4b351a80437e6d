// parse_duration_ms and parse_count against an independent model of the grammar: digits, then
// nothing (seconds), ms, s, m or h; counts are digits only. Anything else is refused, and
// whatever is accepted has exactly the value the model computes.
#include <cstddef>
#include <cstdint>
#include <string>

#include "core/duration.h"
#include "fuzz_support.h"

namespace {

using kashim::NumberError;

constexpr unsigned __int128 kLimit = 1000000000000ULL;  // duration.cpp's largest accepted number

struct Model {
    bool digits_ok = false;  // at least one digit
    bool too_large = false;
    unsigned __int128 value = 0;
    size_t used = 0;
};

Model read_model(const std::string& text) {
    Model m;
    while (m.used < text.size() && text[m.used] >= '0' && text[m.used] <= '9') {
        m.digits_ok = true;
        if (!m.too_large) {
            m.value = m.value * 10 + static_cast<unsigned>(text[m.used] - '0');
            if (m.value > kLimit) m.too_large = true;
        }
        ++m.used;
    }
    return m;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    std::string text(reinterpret_cast<const char*>(data), size);

    kashim::ParsedNumber count = kashim::parse_count(text);
    Model m = read_model(text);
    if (text.empty()) KASHIM_FUZZ_CHECK(count.error == NumberError::Empty, text);
    else if (m.used != text.size()) KASHIM_FUZZ_CHECK(count.error == NumberError::NotANumber, text);
    else if (m.too_large) KASHIM_FUZZ_CHECK(count.error == NumberError::TooLarge, text);
    else KASHIM_FUZZ_CHECK(count.error == NumberError::None && count.value == m.value, text);

    kashim::ParsedNumber duration = kashim::parse_duration_ms(text);
    std::string unit = text.substr(m.used);
    unsigned per_unit = unit.empty() || unit == "s" ? 1000 : unit == "ms" ? 1 : unit == "m" ? 60000 : unit == "h" ? 3600000 : 0;
    if (text.empty()) {
        KASHIM_FUZZ_CHECK(duration.error == NumberError::Empty, text);
    } else if (!m.digits_ok) {
        KASHIM_FUZZ_CHECK(duration.error == NumberError::NotANumber, text);
    } else if (m.too_large) {
        KASHIM_FUZZ_CHECK(duration.error == NumberError::TooLarge, text);
    } else if (per_unit == 0) {
        bool letter = (unit[0] >= 'a' && unit[0] <= 'z') || (unit[0] >= 'A' && unit[0] <= 'Z');
        KASHIM_FUZZ_CHECK(duration.error == (letter ? NumberError::UnknownUnit : NumberError::NotANumber), text);
    } else {
        KASHIM_FUZZ_CHECK(duration.error == NumberError::None && duration.value == m.value * per_unit, text);
        // Written back in milliseconds, it reads as the same duration (while that number is
        // itself within what the parser takes: every caller's limit is far below).
        if (duration.value > kLimit) return 0;
        kashim::ParsedNumber again = kashim::parse_duration_ms(std::to_string(duration.value) + "ms");
        KASHIM_FUZZ_CHECK(again.error == NumberError::None && again.value == duration.value, text);
    }
    return 0;
}
