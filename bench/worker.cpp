#include "worker.h"

#include <sys/socket.h>

#include <algorithm>
#include <cstdio>
#include <ctime>

namespace kashim_bench {
namespace {

double now_ns() {
    timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return static_cast<double>(now.tv_sec) * 1e9 + static_cast<double>(now.tv_nsec);
}

double time_ns(Scenario& scenario, uint64_t operations) {
    double start = now_ns();
    scenario.run(operations);
    return now_ns() - start;
}

}  // namespace

int run_worker(const ScenarioInfo& info, const WorkerTiming& timing) {
    std::unique_ptr<Scenario> scenario = info.make();

    // Warm caches and lazy resolution, doubling the operations per call until one call fills a
    // quarter of the warm-up: the last call then says how many operations make a batch.
    const double warmup_ns = timing.warmup_ms * 1e6;
    uint64_t operations = 1;
    double spent_ns = 0, ns_per_operation = 0;
    for (;;) {
        double call_ns = time_ns(*scenario, operations);
        spent_ns += call_ns;
        ns_per_operation = call_ns / static_cast<double>(operations);
        if (spent_ns >= warmup_ns) break;
        if (call_ns < warmup_ns / 4) operations *= 2;
    }

    auto per_batch = static_cast<uint64_t>(std::max(1.0, timing.batch_ms * 1e6 / ns_per_operation));
    std::vector<double> batches;
    for (int i = 0; i < timing.batches; ++i)
        batches.push_back(time_ns(*scenario, per_batch) / static_cast<double>(per_batch));
    scenario.reset();

    std::printf("%.3f %d\n", *std::min_element(batches.begin(), batches.end()),
                option_on_outgoing_connection(SOL_SOCKET, SO_KEEPALIVE));
    return 0;
}

}  // namespace kashim_bench
