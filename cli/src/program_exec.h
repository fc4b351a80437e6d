// Becoming PROGRAM: the last step of every way kashim runs one (LD_PRELOAD, the supervisor's
// child, a new cgroup's child, or bare when the settings disable kashim).
#pragma once

#include <string>
#include <vector>

namespace kashim::cli {

// execv's argument vector: pointers into `program`, null-terminated, valid while it lives.
std::vector<char*> argv_of(const std::vector<std::string>& program);

// Executes `program` (searched in PATH) with `environment`. Returns only when it cannot be run:
// it says why, and returns kExitNotFound or kExitCannotRun.
int exec_program(const std::vector<std::string>& program, char* const* environment);

}  // namespace kashim::cli
