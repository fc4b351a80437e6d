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

extern std::atomic<LoadState> g_load_state;
extern Runtime g_runtime;

// Loads on first use: from the constructor, or from the first hook when another library's
// constructor calls socket() before ours ran. `trigger` names which, for the debug log.
const Runtime* load_runtime(const char* trigger);

// The settings to act on, or null when kashim must pass the call through untouched: disabled,
// or still loading on another thread (or in a signal handler that interrupted the load).
inline const Runtime* active_runtime(const char* trigger) {
    if (g_load_state.load(std::memory_order_acquire) == LoadState::Ready)
        return g_runtime.config.enabled ? &g_runtime : nullptr;
    return load_runtime(trigger);
}

}  // namespace kashim
