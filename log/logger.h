// kashim's own lines, to stderr or KA_LOG_FILE, written with one write(2) each: async-signal-safe,
// never to stdout, and never into a descriptor that has since become something else (a program
// that closed fd 2 may have a socket there now).
#pragma once

#include "../core/config.h"
#include "../core/socket_plan.h"

namespace kashim {

// Set once while loading, before any line is written.
void open_log(const Config& config, LoadReport& report);

bool log_wanted(LogLevel level);

// Appends the newline itself.
void log_line(LogLevel level, MessageText& line);

// What every engine says once its settings are loaded: each problem found in them, then at info
// the settings in force and each rule.
void log_settings_loaded(const LoadReport& report, const Config& config, const KernelKeepalive& kernel);

}  // namespace kashim
