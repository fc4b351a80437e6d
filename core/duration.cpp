#include "duration.h"

namespace kashim {
namespace {

// Far above every limit we check, far below overflow of uint64_t once multiplied by 3,600,000.
constexpr uint64_t kLargestAccepted = 1000000000000ULL;

bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_letter(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }

// Reads the leading digits; returns how many characters it consumed.
size_t read_digits(std::string_view text, ParsedNumber& out) {
    size_t used = 0;
    uint64_t value = 0;
    while (used < text.size() && is_digit(text[used])) {
        if (value > kLargestAccepted) out.error = NumberError::TooLarge;
        else value = value * 10 + static_cast<uint64_t>(text[used] - '0');
        ++used;
    }
    if (out.error == NumberError::None && value > kLargestAccepted) out.error = NumberError::TooLarge;
    out.value = value;
    return used;
}

}  // namespace

ParsedNumber parse_count(std::string_view text) {
    ParsedNumber out;
    if (text.empty()) return {NumberError::Empty, 0};
    if (read_digits(text, out) != text.size()) return {NumberError::NotANumber, 0};
    return out;
}

ParsedNumber parse_duration_ms(std::string_view text) {
    ParsedNumber out;
    if (text.empty()) return {NumberError::Empty, 0};
    size_t used = read_digits(text, out);
    if (used == 0) return {NumberError::NotANumber, 0};
    if (out.error != NumberError::None) return out;

    std::string_view unit(text.data() + used, text.size() - used);
    uint64_t millis_per_unit = 0;
    if (unit.empty() || unit == "s") millis_per_unit = 1000;
    else if (unit == "ms") millis_per_unit = 1;
    else if (unit == "m") millis_per_unit = 60 * 1000;
    else if (unit == "h") millis_per_unit = 60 * 60 * 1000;
    else return {is_letter(unit[0]) ? NumberError::UnknownUnit : NumberError::NotANumber, 0};

    out.value *= millis_per_unit;
    return out;
}

}  // namespace kashim
