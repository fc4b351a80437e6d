#include "drill_report.h"

#include <cstdio>

#include "duration_text.h"
#include "json_text.h"

namespace kashim::cli {
namespace {

bool every_connection_ended(const DrillReport& report) {
    for (const DrilledConnection& connection : report.connections)
        if (!connection.ended) return false;
    return true;
}

std::string verdict(const DrillReport& report) {
    if (!report.problem.empty()) return "the drill could not run to its end: " + report.problem;
    std::string within = seconds_text(report.within_ms);
    if (!report.connected) return "FAIL: the program made no TCP connection; there was nothing to drill";
    if (report.connections.empty()) return "FAIL: no connection of the program's was open at the cut";
    if (every_connection_ended(report))
        return "pass: every connection open at the cut ended within " + within + " of it";
    size_t open = 0;
    for (const DrilledConnection& connection : report.connections) open += connection.ended ? 0 : 1;
    return "FAIL: " + std::to_string(open) + " of " + std::to_string(report.connections.size()) +
           " connections still open " + within + " after the cut";
}

std::string json_seconds(uint64_t millis) {
    char text[32];
    std::snprintf(text, sizeof text, "%.3f", static_cast<double>(millis) / 1000);
    return text;
}

}  // namespace

int drill_exit_status(const DrillReport& report) {
    if (!report.problem.empty()) return 125;
    return report.connected && !report.connections.empty() && every_connection_ended(report) ? 0 : 1;
}

std::string drill_text(const DrillReport& report) {
    std::string text;
    std::string within = seconds_text(report.within_ms);
    for (const DrilledConnection& connection : report.connections) {
        text += connection.peer + ": ";
        if (connection.ended)
            text += "ended after " + seconds_text(connection.after_ms) + " (" + connection.how + "), within " +
                    within + ": pass\n";
        else
            text += "still open after " + seconds_text(connection.after_ms) + ": FAIL\n";
    }
    text += "program: " + report.program_status + "\n";
    return text + "verdict: " + verdict(report) + "\n";
}

std::string drill_json(const DrillReport& report) {
    std::string json = "{\"program\": " + json_string(report.program) + ", \"bare\": " +
                       (report.bare ? "true" : "false") + ", \"settings\": " + json_string(report.settings) +
                       ", \"bound_s\": " + (report.bound_ms ? json_seconds(*report.bound_ms) : "null") +
                       ", \"cut_after_s\": " + json_seconds(report.cut_after_ms) +
                       ", \"within_s\": " + json_seconds(report.within_ms) +
                       ", \"connected\": " + (report.connected ? "true" : "false") +
                       ", \"cut\": " + (report.cut ? "true" : "false") + ", \"connections\": [";
    for (size_t i = 0; i < report.connections.size(); ++i) {
        const DrilledConnection& connection = report.connections[i];
        json += std::string(i == 0 ? "" : ", ") + "{\"local\": " + json_string(connection.local) +
                ", \"peer\": " + json_string(connection.peer) + ", \"pid\": " + std::to_string(connection.pid) +
                ", \"fd\": " + std::to_string(connection.fd) + ", \"ended\": " + (connection.ended ? "true" : "false") +
                ", \"after_s\": " + json_seconds(connection.after_ms) +
                ", \"how\": " + (connection.ended ? json_string(connection.how) : "null") +
                ", \"pass\": " + (connection.ended ? "true" : "false") + "}";
    }
    int status = drill_exit_status(report);
    return json + "], \"program_status\": " + json_string(report.program_status) +
           ", \"problem\": " + (report.problem.empty() ? "null" : json_string(report.problem)) +
           ", \"verdict\": " + json_string(verdict(report)) + ", \"pass\": " + (status == 0 ? "true" : "false") +
           ", \"exit_status\": " + std::to_string(status) + "}\n";
}

}  // namespace kashim::cli
