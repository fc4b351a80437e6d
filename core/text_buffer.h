// A fixed-capacity text builder. It never allocates and never calls into libc's stdio, so the
// hooks can format a log line on the stack, even inside a signal handler. Text that does not fit
// is cut, never overflowed.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace kashim {

template <size_t Capacity>
class TextBuffer {
public:
    TextBuffer& add(std::string_view text) {
        for (char c : text) {
            if (length_ + 1 >= Capacity) break;
            data_[length_++] = c;
        }
        data_[length_] = '\0';
        return *this;
    }

    TextBuffer& add(char c) { return add(std::string_view(&c, 1)); }

    TextBuffer& add_unsigned(uint64_t value) {
        char digits[20];
        size_t count = 0;
        do {
            digits[count++] = static_cast<char>('0' + value % 10);
            value /= 10;
        } while (value != 0);
        while (count > 0) add(digits[--count]);
        return *this;
    }

    TextBuffer& add_signed(int64_t value) {
        if (value < 0) {
            add('-');
            return add_unsigned(0 - static_cast<uint64_t>(value));
        }
        return add_unsigned(static_cast<uint64_t>(value));
    }

    TextBuffer& add_hex(uint32_t value) {
        static const char kDigits[] = "0123456789abcdef";
        char digits[8];
        size_t count = 0;
        do {
            digits[count++] = kDigits[value & 0xf];
            value >>= 4;
        } while (value != 0);
        while (count > 0) add(digits[--count]);
        return *this;
    }

    // Shows untrusted input (an environment value) safely on one terminal line.
    TextBuffer& add_quoted(std::string_view text, size_t max_shown = 64) {
        add('"');
        size_t shown = 0;
        for (unsigned char c : text) {
            if (shown++ == max_shown) {
                add("...");
                break;
            }
            if (c == '"' || c == '\\') {
                add('\\').add(static_cast<char>(c));
            } else if (c < 0x20 || c >= 0x7f) {
                add("\\x");
                if (c < 0x10) add('0');
                add_hex(c);
            } else {
                add(static_cast<char>(c));
            }
        }
        return add('"');
    }

    void clear() {
        length_ = 0;
        data_[0] = '\0';
    }

    std::string_view view() const { return std::string_view(data_, length_); }
    const char* c_str() const { return data_; }
    size_t size() const { return length_; }

private:
    size_t length_ = 0;  // first: a short text written into a long buffer touches one page
    char data_[Capacity] = {};
};

}  // namespace kashim
