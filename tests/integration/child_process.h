// Runs a child program with a chosen environment and collects what it printed.
#pragma once

#include <map>
#include <string>
#include <vector>

struct ChildResult {
    int exit_code = -1;    // -1 when it did not exit normally
    int signal = 0;
    std::string out;
    std::string err;
};

// The child gets this process's environment without LD_PRELOAD and without any KA_* variable,
// plus `env`. It is killed if it runs longer than `timeout_seconds`.
ChildResult run_child(const std::vector<std::string>& argv, const std::map<std::string, std::string>& env,
                      int timeout_seconds = 30);
