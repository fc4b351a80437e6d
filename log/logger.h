// kashim's own lines, to stderr, KA_LOG_FILE or the system log, written with one system call each:
// async-signal-safe, never to stdout, and never into a descriptor that has since become something
// else (a program that closed fd 2 may have a socket there now).
#pragma once

#include "../core/config.h"
#include "../core/socket_plan.h"

#include <sys/types.h>

namespace kashim {

// Which file a descriptor is, to tell later whether its number still names the same one.
struct FileIdentity {
    bool known = false;  // false: the descriptor was not open
    dev_t device = 0;
    ino_t inode = 0;
};
FileIdentity identity_of(int fd);

// Who hears kashim when no log file is set: the program's stderr when it asked for kashim (its
// environment, or the kashim command), else the system log: a program that kashim reached through
// /etc/ld.so.preload never hears from it on its own stderr.
struct LogAudience {
    bool program_asked = true;
    const char* program = "kashim";  // the system log's tag
    // stderr as the program started, where the load comes later: a program that started with fd 2
    // closed may have its own file or socket there by its first socket call. Unset: taken now.
    const FileIdentity* stderr_at_start = nullptr;
};

// Set once while loading, before any line is written.
void open_log(const Config& config, LoadReport& report, LogAudience audience = {});

bool log_wanted(LogLevel level);

// Appends the newline itself.
void log_line(LogLevel level, MessageText& line);

// What every engine says once its settings are loaded: each problem found in them, then at info
// the settings in force and each rule.
void log_settings_loaded(const LoadReport& report, const Config& config, const KernelKeepalive& kernel);

}  // namespace kashim
