// The settings in force, loaded once from the environment and immutable afterwards.
#pragma once

#include <atomic>

#include "../core/config.h"
#include "../core/socket_plan.h"

namespace kashim {

// Small, always-written parts first; see Config.
struct Runtime {
    KernelKeepalive kernel;
    RuleNeeds needs;  // with rules, settings wait until the connection is known
    PlanSet plans;
    Config config;
};

enum class LoadState : int { NotLoaded, Loading, Ready };

// Everything a load writes, in one object so its layout is the one written here: the state and
// the runtime's first fields share a page with the other small globals every load writes, the
// runtime's large middle (rules, paths) is touched only when used, and the report's counts sit
// right after the runtime's last field. Each page a start-up touches is a fault that every
// process pays on a machine that preloads kashim.
struct Loaded {
    std::atomic<LoadState> state{LoadState::NotLoaded};
    Runtime runtime;
    LoadReport report;  // large; static storage keeps it off a possibly small stack
};

extern Loaded g_loaded;

// Loads on first use: from the constructor, or from the first hook when another library's
// constructor calls socket() before ours ran. `trigger` names which, for the debug log.
const Runtime* load_runtime(const char* trigger);

// The settings to act on, or null when kashim must pass the call through untouched: disabled,
// or still loading on another thread (or in a signal handler that interrupted the load).
inline const Runtime* active_runtime(const char* trigger) {
    if (g_loaded.state.load(std::memory_order_acquire) == LoadState::Ready)
        return g_loaded.runtime.config.enabled ? &g_loaded.runtime : nullptr;
    return load_runtime(trigger);
}

}  // namespace kashim
