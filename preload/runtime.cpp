#include "runtime.h"
#include "../core/load_path.h"

#include <errno.h>
#include <stdlib.h>
#include <sys/auxv.h>

#include "../core/environment.h"
#include "../sources/settings_sources.h"
#include "fd_registry.h"
#include "libc_differences.h"
#include "../log/logger.h"
#include "../log/written_at_load.h"
#include "real_functions.h"

extern char** environ;

namespace kashim {

// __constinit on kashim's globals: they must be ready before any constructor runs, since another
// library's constructor may call a hook before ours; a dynamic initialiser would run too late
// and wipe what that early load set up. The compiler refuses any that would need one.
__constinit Loaded g_loaded;

namespace {

const char* secure_lookup(void*, const char* name) { return secure_getenv(name); }

// The kernel's values matter only for "auto" and for the info line; /proc is not read otherwise.
KASHIM_LOAD_PATH bool needs_kernel_values(const Config& config) {
    if (config.log_level >= LogLevel::Info) return true;
    auto is_auto = [](const KeepaliveSettings& k) { return k.user_timeout.kind == UserTimeoutSetting::Kind::Auto; };
    if (is_auto(config.keepalive)) return true;
    for (size_t i = 0; i < config.rules.count; ++i)
        if (is_auto(config.rules.rules[i].settings)) return true;
    return false;
}

void adopt_after_fork() { fd_registry.adopt_this_process(); }

KASHIM_LOAD_PATH void load(const char* trigger) {
    resolve_real_functions();
    resolve_libc_differences();
    run_in_fork_children(adopt_after_fork);
    LoadReport& report = g_loaded.report;
    Config& config = g_loaded.runtime.config;
    bool secure = getauxval(AT_SECURE) != 0;
    load_settings(config, secure_lookup, nullptr, environ, secure, program_invocation_short_name, report);
    // Through /etc/ld.so.preload into a program that never asked, kashim speaks only to the log
    // file or the system log. In secure execution the environment is the caller's, not the program's.
    open_log(config, report, {!secure && environment_asks_for_kashim(environ), program_invocation_short_name});
    if (needs_kernel_values(config)) g_loaded.runtime.kernel = read_kernel_keepalive();
    g_loaded.runtime.plans = build_plans(config, g_loaded.runtime.kernel);
    g_loaded.runtime.needs = rule_needs(config.rules);

    log_settings_loaded(report, config, g_loaded.runtime.kernel);
    if (log_wanted(LogLevel::Debug)) {
        MessageText line;
        line.add("kashim: loaded from ").add(trigger);
        log_line(LogLevel::Debug, line);
    }
}

__attribute__((constructor)) void load_at_start() {
    fd_registry.adopt_this_process();
    load_runtime("the constructor");
}

}  // namespace

const Runtime* load_runtime(const char* trigger) {
    LoadState expected = LoadState::NotLoaded;
    if (g_loaded.state.compare_exchange_strong(expected, LoadState::Loading, std::memory_order_acq_rel)) {
        load(trigger);
        g_loaded.state.store(LoadState::Ready, std::memory_order_release);
        return g_loaded.runtime.config.enabled ? &g_loaded.runtime : nullptr;
    }
    if (expected == LoadState::Ready) return g_loaded.runtime.config.enabled ? &g_loaded.runtime : nullptr;
    return nullptr;
}

}  // namespace kashim
