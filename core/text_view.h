// string_view slicing that never throws: the shim is built without a C++ runtime, and
// std::string_view::substr would pull one in for its out_of_range exception.
#pragma once

#include <string_view>

namespace kashim {

inline std::string_view take_front(std::string_view text, size_t count) {
    return std::string_view(text.data(), count < text.size() ? count : text.size());
}

inline std::string_view drop_front(std::string_view text, size_t count) {
    return count < text.size() ? std::string_view(text.data() + count, text.size() - count) : std::string_view();
}

inline bool is_blank(char c) { return c == ' ' || c == '\t' || c == '\r'; }

inline std::string_view trim(std::string_view text) {
    size_t begin = 0, end = text.size();
    while (begin < end && is_blank(text[begin])) ++begin;
    while (end > begin && is_blank(text[end - 1])) --end;
    return std::string_view(text.data() + begin, end - begin);
}

// Splits `text` at the first `separator`: returns what comes before, leaves what comes after.
inline std::string_view split_off(std::string_view& text, char separator) {
    size_t at = text.find(separator);
    std::string_view piece = take_front(text, at);
    text = at == std::string_view::npos ? std::string_view() : drop_front(text, at + 1);
    return piece;
}

}  // namespace kashim
