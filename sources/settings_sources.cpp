#include "settings_sources.h"
#include "../core/load_path.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../core/config_file.h"
#include "../core/duration.h"
#include "../core/environment.h"
#include "../core/socket_plan.h"
#include "file_status.h"

namespace kashim {
namespace {

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

}  // namespace

KASHIM_LOAD_PATH KernelKeepalive read_kernel_keepalive() {
    KernelKeepalive defaults;
    return {read_sysctl("/proc/sys/net/ipv4/tcp_keepalive_time", defaults.idle_s),
            read_sysctl("/proc/sys/net/ipv4/tcp_keepalive_intvl", defaults.intvl_s),
            read_sysctl("/proc/sys/net/ipv4/tcp_keepalive_probes", defaults.cnt)};
}

namespace {

// Reads the config file into `room`; reports why not when it exists but cannot be used.
// A file others could write would let them steer every wrapped program, so it is refused.
KASHIM_LOAD_PATH std::string_view read_config_file(const char* path, bool named_by_operator, LoadReport& report,
                                                    ConfigFileText& room) {
    // O_NONBLOCK: a FIFO named by mistake would otherwise hold the program at start until
    // someone writes to it (regular files ignore the flag).
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
    if (fd < 0) {
        if (named_by_operator || errno != ENOENT)
            report.add(LogLevel::Warn).add("cannot read config file ").add_quoted(path, 256).add(": ").add(strerror(errno));
        return {};
    }
    struct stat about;
    std::string_view text;
    if (file_status(fd, &about) != 0 || !S_ISREG(about.st_mode)) {
        report.add(LogLevel::Warn).add("config file ").add_quoted(path, 256).add(" is not a regular file; ignored");
    } else if ((about.st_mode & S_IWOTH) != 0 || ((about.st_mode & S_IWGRP) != 0 && about.st_gid != 0)) {
        report.add(LogLevel::Warn).add("config file ").add_quoted(path, 256)
            .add(" is writable by others than its owner and root; ignored (chmod go-w)");
    } else {
        ssize_t length = read(fd, room.bytes, sizeof room.bytes);
        if (length > 0) text = std::string_view(room.bytes, static_cast<size_t>(length));
        if (about.st_size > static_cast<off_t>(sizeof room.bytes)) {
            // The line the limit cuts through would say something else ("KA_IDLE=3000" read as
            // "KA_IDLE=30"), so it goes with the rest.
            size_t end = text.rfind('\n');
            text = std::string_view(text.data(), end == std::string_view::npos ? 0 : end + 1);
            size_t lines = 0;
            for (char c : text) lines += c == '\n';
            report.add(LogLevel::Warn).add("config file ").add_quoted(path, 256).add(" is over 64 KiB; line ")
                .add_unsigned(lines + 1).add(" and those after it are ignored");
        }
    }
    close(fd);
    return text;
}

// In a setuid program only the built-in path counts; KA_CONFIG= (empty) reads no file.
KASHIM_LOAD_PATH void load_config_file_if_any(Config& config, EnvLookup lookup, void* context, bool secure, LoadReport& report,
                                              ConfigFileText& room) {
    const char* named = secure ? nullptr : lookup(context, "KA_CONFIG");
    const char* path = named != nullptr ? named : KASHIM_SYSTEM_CONFIG;
    if (path[0] == '\0') return;
    std::string_view text = read_config_file(path, named != nullptr, report, room);
    if (text.data() == nullptr) return;  // not there, empty, or refused (and said so): nothing read
    config.config_file.add(path);
    load_config_file(config, text, path, report);
}

}  // namespace

KASHIM_LOAD_PATH void load_settings(Config& config, EnvLookup lookup, void* context, const char* const* environment, bool secure,
                   const char* program, LoadReport& report, ConfigFileText& room) {
    // Pass-through needs nothing more: no file is read, no other variable parsed.
    const char* enable = lookup(context, "KA_ENABLE");
    if (enable != nullptr && parse_switch(enable) == false) {
        config.enabled = false;
        return;
    }
    load_config_file_if_any(config, lookup, context, secure, report, room);
    // In a setuid program the environment is the caller's, not the owner's: the lookup finds
    // nothing there, as secure_getenv, and unknown names are not worth reporting.
    load_environment(config, lookup, context, secure ? nullptr : environment, report);
    check_detect_bound(config.keepalive, "KA_DETECT", report);
    if (program != nullptr) keep_rules_for_program(config.rules, program);
}

}  // namespace kashim
