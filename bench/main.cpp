// kashim_bench: without --worker, the driver (what scripts/bench runs); with it, one measurement.
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "driver.h"
#include "worker.h"

using namespace kashim_bench;

namespace {

[[noreturn]] void usage(int status) {
    std::fprintf(status == 0 ? stdout : stderr,
                 "usage: kashim_bench [--smoke] [--rounds N] [--shim PATH] [--only ID[,ID...]]\n"
                 "  Runs every scenario bare and under kashim (and under KASHIM_BENCH_COMPARE=/path/other.so,\n"
                 "  with the caller's environment), each run its own process, and prints the table.\n"
                 "  --smoke       one very short round: checks that everything builds and runs\n"
                 "  --rounds N    interleaved rounds (default 31)\n"
                 "  --only IDS    only these scenarios:");
    for (const ScenarioInfo& scenario : scenarios()) std::fprintf(status == 0 ? stdout : stderr, " %.*s",
                                                                    static_cast<int>(scenario.id.size()), scenario.id.data());
    std::fprintf(status == 0 ? stdout : stderr, "\n");
    std::exit(status);
}

const ScenarioInfo& scenario_named(std::string_view id) {
    const ScenarioInfo* scenario = find_scenario(id);
    if (scenario == nullptr) {
        std::fprintf(stderr, "kashim_bench: no scenario '%.*s'\n", static_cast<int>(id.size()), id.data());
        usage(2);
    }
    return *scenario;
}

std::vector<const ScenarioInfo*> scenarios_listed(std::string_view ids) {
    std::vector<const ScenarioInfo*> chosen;
    for (size_t start = 0; start <= ids.size();) {
        size_t end = std::min(ids.find(',', start), ids.size());
        chosen.push_back(&scenario_named(ids.substr(start, end - start)));
        start = end + 1;
    }
    return chosen;
}

}  // namespace

int main(int argc, char** argv) {
    Options options;
    options.shim = KASHIM_BENCH_DEFAULT_SHIM;
    options.command = KASHIM_BENCH_COMMAND;
    if (const char* compare = std::getenv("KASHIM_BENCH_COMPARE")) options.compare = compare;
    for (const ScenarioInfo& scenario : scenarios()) options.scenarios.push_back(&scenario);
    const ScenarioInfo* worker_scenario = nullptr;

    for (int i = 1; i < argc; ++i) {
        std::string_view arg = argv[i];
        auto value = [&]() -> const char* {
            if (i + 1 >= argc) usage(2);
            return argv[++i];
        };
        if (arg == "--smoke") {
            options.smoke = true;
            options.rounds = 1;
            options.timing = {1, 0.5, 2};
        } else if (arg == "--rounds") options.rounds = std::max(1, std::atoi(value()));
        else if (arg == "--shim") options.shim = value();
        else if (arg == "--only") options.scenarios = scenarios_listed(value());
        else if (arg == "--worker") worker_scenario = &scenario_named(value());
        else if (arg == "--warmup-ms") options.timing.warmup_ms = std::atof(value());
        else if (arg == "--batch-ms") options.timing.batch_ms = std::atof(value());
        else if (arg == "--batches") options.timing.batches = std::max(1, std::atoi(value()));
        else if (arg == "--help" || arg == "-h") usage(0);
        else usage(2);
    }
    if (worker_scenario != nullptr) return run_worker(*worker_scenario, options.timing);
    return run_driver(options);
}
