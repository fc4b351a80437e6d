// What kashim says about itself on stderr, and its exit statuses: those env(1) and timeout(1)
// use, so scripts can tell kashim's failures from PROGRAM's.
#pragma once

#include <string>

#include "runner/in_place.h"

namespace kashim::cli {

using kashim::kExitCannotRun;
using kashim::kExitFailure;
using kashim::kExitNotFound;
using kashim::kExitUsage;

// "kashim: LINE" on stderr.
void say(const std::string& line);

// Says `line` and where to read more; returns kExitUsage.
int usage_error(const std::string& line);

// Says `line`; returns kExitFailure.
int fail(const std::string& line);

}  // namespace kashim::cli
