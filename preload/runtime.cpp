#include "runtime.h"
#include "../core/load_path.h"

#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdlib.h>
#include <sys/auxv.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <new>

#include "../core/environment.h"
#include "../sources/settings_sources.h"
#include "memory_owner.h"
#include "system_calls.h"
#include "../log/logger.h"
#include "../log/written_at_load.h"

extern char** environ;

namespace kashim {

// __constinit on kashim's globals: they must be ready before any constructor runs, since another
// library's constructor may call a hook before ours; a dynamic initialiser would run too late
// and wipe what that early load set up. The compiler refuses any that would need one.
KASHIM_WRITTEN_AT_LOAD __constinit LoadStatus g_load;

namespace {

// secure_getenv, in kashim's own code, over the variables kept at exec. In secure execution
// (setuid, setgid) the environment is the caller's, not the program's: nothing.
struct EnvironmentRead {
    const char* const* variables;
    bool secure;
};
const char* lookup_unless_secure(void* context, const char* name) {
    const auto* read = static_cast<const EnvironmentRead*>(context);
    return read->secure ? nullptr : variable_value(read->variables, name);
}

pid_t this_thread() { return static_cast<pid_t>(raw_system_call(SYS_gettid)); }

// The kernel's values matter only for "auto" and for the info line; /proc is not read otherwise.
KASHIM_LOAD_PATH bool needs_kernel_values(const Config& config) {
    if (config.log_level >= LogLevel::Info) return true;
    auto is_auto = [](const KeepaliveSettings& k) { return k.user_timeout.kind == UserTimeoutSetting::Kind::Auto; };
    if (is_auto(config.keepalive)) return true;
    for (size_t i = 0; i < config.rules.count; ++i)
        if (is_auto(config.rules.rules[i].settings)) return true;
    return false;
}

KASHIM_LOAD_PATH void remember_start(StartFacts& start) {
    keep_kashim_variables(environ, start.variables);
    // Only a program that asked hears kashim on stderr; the others pay no system call for it.
    if (start.variables.asked) start.stderr_file = identity_of(STDERR_FILENO);
    const char* name = program_invocation_short_name;
    size_t length = 0;
    while (name != nullptr && name[length] != '\0' && length + 1 < sizeof start.program) {
        start.program[length] = name[length];
        ++length;
    }
    start.program[length] = '\0';
}

// What every process does at exec, whether or not it ever makes a socket: the memory's owner,
// which tells a vfork child (whose hooks must leave the parent's memory alone) from the process
// itself, and the facts of the start. The real functions are found at first use.
KASHIM_LOAD_PATH void prepare() {
    if (g_load.prepared.exchange(true, std::memory_order_acq_rel)) return;
    take_memory_over();
    remember_start(g_load.start);
}

// Fresh zeroes given the runtime's defaults: only the span where they are not zero is written,
// so the pages of rules and paths a load never sets stay untouched (constructing in place would
// write zeroes over all 16 KB, a fault a page).
KASHIM_LOAD_PATH Runtime& default_runtime_over_zeroes(Runtime& zeroes) {
    __builtin_memcpy(static_cast<void*>(&zeroes), &kDefaultRuntime, kRuntimeDefaultsSpan);
    return *std::launder(&zeroes);
}

// The settings, the plans and the log. Only system calls and kashim's own code, so it may run in
// a hook: in a signal handler, on a small stack, while other threads wait for it.
KASHIM_LOAD_PATH void load(Loaded& loaded, const char* hook, bool constructor_ran) {
    const StartFacts& start = g_load.start;
    LoadReport& report = loaded.report;  // empty: zeroes
    Runtime& runtime = default_runtime_over_zeroes(loaded.runtime);
    Config& config = runtime.config;
    bool secure = getauxval(AT_SECURE) != 0;
    // Kept at exec; read there only when they were too many to keep, and then before the program ran.
    EnvironmentRead read{start.variables.complete ? start.variables.entries : environ, secure};
    load_settings(config, lookup_unless_secure, &read, read.variables, secure, start.program, report, loaded.config_file);
    // Through /etc/ld.so.preload into a program that never asked, kashim speaks only to the log
    // file or the system log. In secure execution the environment is the caller's, not the program's.
    open_log(config, report, {!secure && start.variables.asked, start.program, &start.stderr_file});
    if (needs_kernel_values(config)) runtime.kernel = read_kernel_keepalive();
    runtime.plans = build_plans(config, runtime.kernel);
    runtime.needs = rule_needs(config.rules);

    log_settings_loaded(report, config, runtime.kernel);
    if (log_wanted(LogLevel::Debug)) {
        MessageText line;
        line.add("kashim: loaded from ").add(hook);
        if (!constructor_ran) line.add(" called before kashim's constructor");
        log_line(LogLevel::Debug, line);
    }
}

__attribute__((constructor)) void load_at_start() {
    int saved_errno = errno;  // stderr's identity is asked of the kernel; main must find errno as it was
    prepare();
    errno = saved_errno;
    // The settings wait for the first socket call, unless their variables could not all be kept.
    if (!g_load.start.variables.complete) load_runtime("the constructor");
}

}  // namespace

bool memory_is_this_process() {
    switch (memory_owner()) {
        case MemoryOwner::ThisProcess:
            return true;
        case MemoryOwner::ThisForkChild:
            adopt_after_fork();
            return true;
        case MemoryOwner::AnotherProcess:
            break;
    }
    return false;
}

void adopt_after_fork() {
    take_memory_over();
    uint64_t word = g_load.progress.load(std::memory_order_acquire);
    if (LoadProgress::of(word).state == LoadState::Loading)
        g_load.progress.compare_exchange_strong(word, LoadProgress{}.word(), std::memory_order_acq_rel);
}

const Runtime* load_runtime(const char* hook) {
    for (;;) {
        uint64_t word = g_load.progress.load(std::memory_order_acquire);
        LoadProgress progress = LoadProgress::of(word);
        if (progress.state == LoadState::Ready) return ready_runtime();
        if (progress.state == LoadState::Loading) {
            if (progress.process == current_process_id()) {
                // A signal handler that interrupted this very thread's load must not wait for it.
                if (progress.thread == this_thread()) return nullptr;
                sched_yield();
                continue;
            }
            // Begun by the parent of this fork child, as it forked: nobody here will finish it.
            if (memory_is_this_process()) {
                g_load.progress.compare_exchange_strong(word, LoadProgress{}.word(), std::memory_order_acq_rel);
                continue;
            }
            // Begun by the process this vfork child shares its memory with, which finishes it.
            return nullptr;
        }
        // A vfork child shares the parent's memory but not its descriptors: the log file it opened
        // would be its own, and its exec is near.
        if (!memory_is_this_process()) return nullptr;
        bool constructor_ran = g_load.prepared.load(std::memory_order_acquire);
        LoadProgress loading{LoadState::Loading, current_process_id(), this_thread()};
        if (!g_load.progress.compare_exchange_strong(word, loading.word(), std::memory_order_acq_rel)) continue;
        // The file and /proc reads are cancellation points; a thread cancelled in the middle
        // would leave the others waiting for ever.
        int cancel_state = PTHREAD_CANCEL_ENABLE;
        pthread_setcancelstate(PTHREAD_CANCEL_DISABLE, &cancel_state);
        int saved_errno = errno;  // a missing config file, say, is no error of the program's call
        prepare();
        mark_fork_children();
        auto* loaded = static_cast<Loaded*>(map_zeroes(sizeof(Loaded)));
        if (loaded != nullptr) load(*loaded, hook, constructor_ran);
        errno = saved_errno;
        // Only this thread changes a load under way, but for a fork child's handler setting aside
        // the one it was in: a signal handler that forked, whose child then loaded anew.
        if (g_load.progress.load(std::memory_order_acquire) == loading.word()) {
            g_load.loaded.store(loaded, std::memory_order_relaxed);
            g_load.progress.store(LoadProgress{LoadState::Ready, 0, 0}.word(), std::memory_order_release);
        } else if (loaded != nullptr) {
            unmap(loaded, sizeof(Loaded));
        }
        pthread_setcancelstate(cancel_state, nullptr);
        return ready_runtime();
    }
}

}  // namespace kashim
