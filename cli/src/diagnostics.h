// What kashim says about itself on stderr, and its exit statuses: those env(1) and timeout(1)
// use, so scripts can tell kashim's failures from PROGRAM's.
#pragma once

#include <string>

namespace kashim::cli {

constexpr int kExitUsage = 2;
constexpr int kExitFailure = 125;
constexpr int kExitCannotRun = 126;
constexpr int kExitNotFound = 127;

// "kashim: LINE" on stderr.
void say(const std::string& line);

// Says `line` and where to read more; returns kExitUsage.
int usage_error(const std::string& line);

// Says `line`; returns kExitFailure.
int fail(const std::string& line);

}  // namespace kashim::cli
