// The settings in force, loaded once from the environment and immutable afterwards.
#pragma once

#include <sys/types.h>

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <type_traits>

#include "../core/config.h"
#include "../core/socket_plan.h"
#include "../log/logger.h"
#include "../sources/settings_sources.h"

namespace kashim {

// Small, always-written parts first; see Config.
struct Runtime {
    KernelKeepalive kernel;
    RuleNeeds needs;  // with rules, settings wait until the connection is known
    PlanSet plans;
    Config config;
};

enum class LoadState : uint64_t { NotLoaded, Loading, Ready };

// How far the load is, and while Loading, who is loading: a signal handler that interrupted the
// load must not wait for its own thread, and a fork child may find its parent's load half done,
// with nobody to finish it. One word, so that who and how far are read and replaced together.
struct LoadProgress {
    LoadState state;
    pid_t process;  // while Loading
    pid_t thread;   // while Loading

    // Process and thread IDs are below 2^22 (PID_MAX_LIMIT).
    uint64_t word() const {
        return static_cast<uint64_t>(state) | static_cast<uint64_t>(process) << 2 | static_cast<uint64_t>(thread) << 32;
    }
    static LoadProgress of(uint64_t word) {
        return {static_cast<LoadState>(word & 3), static_cast<pid_t>((word >> 2) & 0x3fffffff),
                static_cast<pid_t>(word >> 32)};
    }
};

// What the constructor learns of the process before the program runs, and keeps: the settings
// are loaded at its first socket call, by when the program may have changed its environment or
// written over its argv (setproctitle).
struct StartFacts {
    KashimVariables variables;  // the environment's part of the settings
    char program[256] = {};     // the short name prog= rules match
    FileIdentity stderr_file;   // where a program that asked hears kashim, unless KA_LOG_FILE
};

// What a load builds, in memory the load maps: an exec that never loads maps none of it, and the
// library needs no .bss beyond the page its .data ends in (an anonymous mapping for more costs
// every exec about 3 µs here, an empty library given 94 KB of .bss against one without). With
// the settings' defaults stored instead, it would be 29 KB of .data mapped at every exec.
struct Loaded {
    Runtime runtime;             // built by the load
    LoadReport report;           // what the load has to say, until it is logged
    ConfigFileText config_file;  // the file's text while it is parsed
};
// Each load maps fresh zeroes: an empty report and text, ready without a write; the runtime is
// given its defaults by copying the bytes of kDefaultRuntime where they are not zero, all before
// kRuntimeDefaultsSpan (a unit test checks that they are). Nothing of it is ever destroyed.
static_assert(std::is_trivially_copyable_v<LoadReport> && std::is_trivially_destructible_v<LoadReport>);
static_assert(std::is_trivially_copyable_v<Runtime> && std::is_trivially_destructible_v<Runtime>);
inline constexpr Runtime kDefaultRuntime{};
inline constexpr size_t kRuntimeDefaultsSpan = offsetof(Runtime, config) + offsetof(Config, log_file);

// What every process writes at start, whether or not it ever loads: kept on the one page of .data
// the loader writes anyway, with the other small globals (log/written_at_load.h). Each page a
// start touches is a fault that every process pays on a machine that preloads kashim.
struct LoadStatus {
    std::atomic<uint64_t> progress{0};  // a LoadProgress
    std::atomic<bool> prepared{false};  // memory owner recorded, start facts kept
    std::atomic<Loaded*> loaded{nullptr};  // published by the load; null once Ready: no memory for it
    StartFacts start;
};

extern LoadStatus g_load;

// What a Ready load gives: null when kashim is disabled, or had no memory to load into.
inline const Runtime* ready_runtime() {
    Loaded* loaded = g_load.loaded.load(std::memory_order_relaxed);
    return loaded != nullptr && loaded->runtime.config.enabled ? &loaded->runtime : nullptr;
}

// Loads on first use: at the program's first socket call, or at a hook another library's
// constructor calls before ours; in the constructor only when kashim's variables were too many
// to keep.
// `hook` names the call, for the debug log. Another thread's load under way is waited for; one
// this thread was interrupted in (a signal handler) passes the call through, as does a vfork
// child; a fork child starts afresh the one its parent left half done.
const Runtime* load_runtime(const char* hook);

// In a fork child, as fork() returns there (fork_hooks.cpp), or as a hook finds it is one before
// that: the memory is its own now, and a load under way in the parent (another thread's, or the
// very one a signal handler that forked interrupted) has nobody here to finish it; the
// interrupted one drops its result when it resumes.
void adopt_after_fork();

// Whether kashim's memory is this process's (not a vfork child's parent's), a fork child taking
// it over as it is found to be one (memory_owner.h). Costs a system call, so callers ask only
// when there is something to write. Async-signal-safe; errno is kept.
bool memory_is_this_process();

// The settings to act on, or null when kashim must pass the call through untouched: disabled,
// loading in the very thread that asks (a signal handler that interrupted the load), or no memory
// to load into.
inline const Runtime* active_runtime(const char* hook) {
    if (LoadProgress::of(g_load.progress.load(std::memory_order_acquire)).state == LoadState::Ready) return ready_runtime();
    return load_runtime(hook);
}

}  // namespace kashim
