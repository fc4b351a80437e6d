// Runs a child program with a chosen environment and collects what it printed: the robustness
// tests' runner (tests/harness/child.h), used here without a preload list, so the child's
// LD_PRELOAD is whatever `env` says.
#pragma once

#include <chrono>
#include <map>
#include <string>
#include <vector>

#include "harness/child.h"

using robustness::ChildResult;

// The child gets this process's environment without LD_PRELOAD and without any KA_* variable,
// plus `env`. It is killed if it runs longer than `timeout_seconds`.
inline ChildResult run_child(const std::vector<std::string>& argv, const std::map<std::string, std::string>& env,
                             int timeout_seconds = 30) {
    robustness::ChildOptions options;
    options.argv = argv;
    options.env = env;
    options.timeout = std::chrono::seconds(timeout_seconds);
    return robustness::run_child(options);
}
