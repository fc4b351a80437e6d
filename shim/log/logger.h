// kashim's own lines, to stderr or KA_LOG_FILE, written with one write(2) each: async-signal-safe,
// never to stdout, and never into a descriptor that has since become something else (a program
// that closed fd 2 may have a socket there now).
#pragma once

#include "../core/config.h"

namespace kashim {

// Set once while loading, before any line is written.
void open_log(const Config& config, LoadReport& report);

bool log_wanted(LogLevel level);

// Appends the newline itself.
void log_line(LogLevel level, MessageText& line);

}  // namespace kashim
