// Starting the worker and the trivial program with an environment built for one variant.
#pragma once

#include <string>
#include <vector>

namespace kashim_bench {

// Runs argv[0] with exactly `environment` and returns what it wrote to stdout; its stderr goes
// to ours. Exits this process when the program cannot start or does not exit with 0.
std::string run_captured(const std::vector<std::string>& argv, const std::vector<std::string>& environment);

}  // namespace kashim_bench
