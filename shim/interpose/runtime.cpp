#include "runtime.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/auxv.h>
#include <unistd.h>

#include "../core/config_file.h"
#include "../core/environment.h"
#include "../core/duration.h"
#include "logger.h"

extern char** environ;

namespace kashim {

std::atomic<LoadState> g_load_state{LoadState::NotLoaded};
// __constinit on kashim's globals: they must be ready before any constructor runs, since another
// library's constructor may call a hook before ours; a dynamic initialiser would run too late
// and wipe what that early load set up. The compiler refuses any that would need one.
__constinit Runtime g_runtime;

namespace {

// Large; static storage keeps it off a possibly small stack (the first socket() may come from a
// thread or a signal handler).
__constinit LoadReport g_report;

const char* secure_lookup(void*, const char* name) { return secure_getenv(name); }

// Reads one small number from /proc/sys; keeps `fallback` when that is not possible.
int read_sysctl(const char* path, int fallback) {
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) return fallback;
    char text[32];
    ssize_t length = read(fd, text, sizeof text);
    close(fd);
    if (length <= 0) return fallback;
    size_t end = 0;
    while (end < static_cast<size_t>(length) && text[end] >= '0' && text[end] <= '9') ++end;
    ParsedNumber parsed = parse_count(std::string_view(text, end));
    return parsed.error == NumberError::None && parsed.value <= 0x7fffffff ? static_cast<int>(parsed.value)
                                                                          : fallback;
}

KernelKeepalive read_kernel_keepalive() {
    KernelKeepalive defaults;
    return {read_sysctl("/proc/sys/net/ipv4/tcp_keepalive_time", defaults.idle_s),
            read_sysctl("/proc/sys/net/ipv4/tcp_keepalive_intvl", defaults.intvl_s),
            read_sysctl("/proc/sys/net/ipv4/tcp_keepalive_probes", defaults.cnt)};
}

// Static: the first load may run on a small thread or signal stack.
char g_config_text[64 * 1024];

// Reads the config file into g_config_text; reports why not when it exists but cannot be used.
// A file others could write would let them steer every wrapped program, so it is refused.
std::string_view read_config_file(const char* path, bool named_by_operator, LoadReport& report) {
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
    if (fd < 0) {
        if (named_by_operator || errno != ENOENT)
            report.add(LogLevel::Warn).add("cannot read config file ").add_quoted(path, 256).add(": ").add(strerror(errno));
        return {};
    }
    struct stat about;
    std::string_view text;
    if (fstat(fd, &about) != 0 || !S_ISREG(about.st_mode)) {
        report.add(LogLevel::Warn).add("config file ").add_quoted(path, 256).add(" is not a regular file; ignored");
    } else if ((about.st_mode & S_IWOTH) != 0 || ((about.st_mode & S_IWGRP) != 0 && about.st_gid != 0)) {
        report.add(LogLevel::Warn).add("config file ").add_quoted(path, 256)
            .add(" is writable by others than its owner and root; ignored (chmod go-w)");
    } else {
        ssize_t length = read(fd, g_config_text, sizeof g_config_text);
        if (length == static_cast<ssize_t>(sizeof g_config_text))
            report.add(LogLevel::Warn).add("config file ").add_quoted(path, 256).add(" is over 64 KiB; the rest is ignored");
        if (length > 0) text = std::string_view(g_config_text, static_cast<size_t>(length));
    }
    close(fd);
    return text;
}

// The file first, so that the environment overrides it. In a setuid program only the built-in
// path counts; KA_CONFIG= (empty) reads no file.
void load_config_file_if_any(Config& config, bool secure, LoadReport& report) {
    const char* named = secure ? nullptr : getenv("KA_CONFIG");
    const char* path = named != nullptr ? named : KASHIM_SYSTEM_CONFIG;
    if (path[0] == '\0') return;
    std::string_view text = read_config_file(path, named != nullptr, report);
    config.config_file.add(path);
    load_config_file(config, text, path, report);
}

void log_rules(const RuleSet& rules) {
    for (size_t i = 0; i < rules.count; ++i) {
        MessageText line;
        line.add("kashim: rule ").add_unsigned(i + 1).add(": ");
        describe_rule(rules.rules[i], line);
        log_line(LogLevel::Info, line);
    }
}

// The kernel's values matter only for "auto" and for the info line; /proc is not read otherwise.
bool needs_kernel_values(const Config& config) {
    const KeepaliveSettings& k = config.keepalive;
    bool all_set = (k.idle_s && k.intvl_s && k.cnt) || k.detect_ms;
    return config.rules.count != 0 || (!all_set && (k.user_timeout.kind == UserTimeoutSetting::Kind::Auto ||
                                                    config.log_level >= LogLevel::Info));
}

void load(const char* trigger) {
    LoadReport& report = g_report;
    Config& config = g_runtime.config;
    bool secure = getauxval(AT_SECURE) != 0;
    // In a setuid process the environment is the caller's, not the owner's: secure_getenv
    // returns nothing, and unknown names are not worth reporting.
    load_config_file_if_any(config, secure, report);
    load_environment(config, secure_lookup, nullptr, secure ? nullptr : environ, report);
    check_detect_bound(config.keepalive, "KA_DETECT", report);
    keep_rules_for_program(config.rules, program_invocation_short_name);
    open_log(config, report);
    if (needs_kernel_values(config)) g_runtime.kernel = read_kernel_keepalive();
    g_runtime.plans = build_plans(config, g_runtime.kernel);
    g_runtime.needs = rule_needs(config.rules);

    for (size_t i = 0; i < report.count(); ++i) {
        MessageText line;
        line.add(report.text(i));
        log_line(report.level(i), line);
    }
    if (report.dropped() != 0) {
        MessageText line;
        line.add("kashim: ").add_unsigned(report.dropped()).add(" more problems in the settings not shown");
        log_line(LogLevel::Warn, line);
    }
    if (log_wanted(LogLevel::Info)) {
        MessageText line;
        line.add("kashim: ");
        describe_active(config, g_runtime.kernel, line);
        log_line(LogLevel::Info, line);
        log_rules(config.rules);
    }
    if (log_wanted(LogLevel::Debug)) {
        MessageText line;
        line.add("kashim: loaded from ").add(trigger);
        log_line(LogLevel::Debug, line);
    }
}

__attribute__((constructor)) void load_at_start() { load_runtime("the constructor"); }

}  // namespace

const Runtime* load_runtime(const char* trigger) {
    LoadState expected = LoadState::NotLoaded;
    if (g_load_state.compare_exchange_strong(expected, LoadState::Loading, std::memory_order_acq_rel)) {
        load(trigger);
        g_load_state.store(LoadState::Ready, std::memory_order_release);
        return g_runtime.config.enabled ? &g_runtime : nullptr;
    }
    if (expected == LoadState::Ready) return g_runtime.config.enabled ? &g_runtime : nullptr;
    return nullptr;
}

}  // namespace kashim
