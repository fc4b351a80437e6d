// What kashim drill found, and how it says so: lines for people, one JSON document for machines,
// and the exit status. Pure: the drill (drill_mode.cpp) gathers the facts.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace kashim::cli {

struct DrilledConnection {
    std::string local, peer;  // "127.0.0.1:40112", "[::1]:5432"
    int pid = 0;
    int fd = 0;
    bool ended = false;
    uint64_t after_ms = 0;  // from the cut to its end, or to --within
    std::string how;        // how it ended: "Connection timed out: keepalive probes unanswered ..."
};

struct DrillReport {
    std::string program;     // PROG as given
    std::string settings;    // what kashim gave the group, or "none (--bare)"
    bool bare = false;
    std::optional<uint64_t> bound_ms;  // the settings' detection bound on an idle connection
    uint64_t cut_after_ms = 0;
    uint64_t within_ms = 0;
    bool connected = false;  // PROG made an ESTABLISHED connection
    bool cut = false;        // the cut happened
    std::vector<DrilledConnection> connections;  // those open at the cut
    std::string program_status;  // "exited with status 1", "stopped by the drill (SIGTERM) ..."
    std::string problem;         // why the drill could not run to its end (interrupted, ...)
};

// 0 pass, 1 fail (a connection still open at --within, or none made or open at the cut), 125
// when the drill could not run.
int drill_exit_status(const DrillReport& report);

// The lines of the report: one per connection, PROG's status, the verdict.
std::string drill_text(const DrillReport& report);

// The same as one JSON document.
std::string drill_json(const DrillReport& report);

}  // namespace kashim::cli
