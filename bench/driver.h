// The benchmark's driver: runs every scenario under every variant, each run its own process,
// interleaved and repeated, then prints the table and judges it against its targets.
#pragma once

#include <string>
#include <vector>

#include "scenarios.h"
#include "worker.h"

namespace kashim_bench {

struct Variant {
    enum class Kind {
        Bare,
        Kashim,
        EmptyPreload,  // a library that does nothing: what preloading costs by itself
        OtherLibrary,  // KASHIM_BENCH_COMPARE
        CommandEngine,  // kashim --seccomp or --cgroup: no preload; the supervisor, or BPF in the kernel
    };
    Kind kind;
    std::string label;
    std::string preload;                // LD_PRELOAD; empty when bare
    std::vector<std::string> settings;  // NAME=value added to the environment
    // The setsockopt calls kashim issues when a TCP socket is made, and in all for one outgoing
    // connection (they differ with rules, which wait for connect()); 0 for the others.
    int setsockopts_at_socket;
    int setsockopts_per_connection;
    std::vector<std::string> launcher = {};  // what runs the worker (kashim --seccomp --), if anything
};

struct Options {
    bool smoke = false;
    int rounds = 31;
    WorkerTiming timing{10, 2, 20};
    std::string shim;
    std::string compare;  // another preload library, or empty
    std::string command;  // the kashim command, for the supervised variant
    std::vector<const ScenarioInfo*> scenarios;
};

// Returns the exit status: non-zero when a check that does not depend on timing failed.
int run_driver(const Options& options);

}  // namespace kashim_bench
