// Lines for the operator, collected while loading and logged once logging itself is set up.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "text_buffer.h"

namespace kashim {

enum class LogLevel : uint8_t { Off, Error, Warn, Info, Debug };

using MessageText = TextBuffer<480>;

// Messages found while loading, kept until logging itself is set up from the same load.
class LoadReport {
public:
    static constexpr size_t kCapacity = 24;
    static constexpr size_t kMaxContext = 160;

    // A buffer for one new line, already prefixed with "kashim: " and the context.
    MessageText& add(LogLevel level);

    // Where the next lines come from ("/etc/kashim.conf:7: ", "KA_RULES rule 2: "); empty for none.
    void set_context(std::string_view context) {
        context_.clear();
        context_.add(context);
    }

    void clear() {
        count_ = 0;
        dropped_ = 0;
        context_.clear();
    }
    size_t count() const { return count_; }
    size_t dropped() const { return dropped_; }
    LogLevel level(size_t i) const { return levels_[i]; }
    std::string_view text(size_t i) const { return texts_[i].view(); }

private:
    // The counts first: every load reads them, and most have nothing else to write here.
    size_t count_ = 0;
    size_t dropped_ = 0;
    LogLevel levels_[kCapacity] = {};
    TextBuffer<kMaxContext> context_;
    MessageText texts_[kCapacity];
    MessageText overflow_;
};

}  // namespace kashim
