#include "diagnostics.h"

#include <cstdio>

namespace kashim::cli {

void say(const std::string& line) { std::fprintf(stderr, "kashim: %s\n", line.c_str()); }

int usage_error(const std::string& line) {
    say(line);
    std::fputs("Try 'kashim --help' for more information.\n", stderr);
    return kExitUsage;
}

int fail(const std::string& line) {
    say(line);
    return kExitFailure;
}

}  // namespace kashim::cli
