// One measurement, in a process of its own: the driver starts the worker under each variant's
// environment (bare, or with a preload library), so each process is exactly what it measures.
#pragma once

#include "scenarios.h"

namespace kashim_bench {

struct WorkerTiming {
    double warmup_ms;  // also finds how many operations fill a batch
    double batch_ms;
    int batches;
};

// Prints one line: the fastest batch in ns per operation (interference from other processes only
// ever adds time), then SO_KEEPALIVE as found on an outgoing connection afterwards (0 or 1),
// which tells the driver whether a preload took effect.
int run_worker(const ScenarioInfo& scenario, const WorkerTiming& timing);

}  // namespace kashim_bench
