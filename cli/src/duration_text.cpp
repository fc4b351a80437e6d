#include "duration_text.h"

namespace kashim::cli {

std::string seconds_text(uint64_t millis) {
    std::string text = std::to_string(millis / 1000);
    if (uint64_t fraction = millis % 1000; fraction != 0) {
        std::string decimals = std::to_string(1000 + fraction).substr(1);  // zero-padded to 3
        decimals.erase(decimals.find_last_not_of('0') + 1);
        text += "." + decimals;
    }
    return text + " s";
}

}  // namespace kashim::cli
