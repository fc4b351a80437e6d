#include "stats_report.h"

#include <algorithm>
#include <cstdio>
#include <iterator>

#include "json_text.h"

namespace kashim::cli {
namespace {

constexpr int kReasons = KASHIM_DEAD_PEER_REASONS;

std::string sets_text(const GroupStats& group) {
    std::string text;
    for (const auto& [option, value] : group.settings)
        text += (text.empty() ? "" : " ") + option + "=" + std::to_string(value);
    return text.empty() ? "nothing" : text;
}

std::string local_time_text(int64_t unix_seconds) {
    std::time_t time = static_cast<std::time_t>(unix_seconds);
    std::tm local{};
    char text[64];
    if (localtime_r(&time, &local) == nullptr || std::strftime(text, sizeof text, "%Y-%m-%d %H:%M:%S %Z", &local) == 0)
        return std::to_string(unix_seconds);
    return text;
}

// "  label           value\n": the table's columns.
std::string row(std::string_view label, const std::string& value) {
    std::string line = "  " + std::string(label);
    line.resize(std::max<size_t>(line.size() + 1, 19), ' ');
    return line + value + "\n";
}

// The exposition format's family header.
std::string family(std::string_view name, std::string_view type, std::string_view help) {
    return "# HELP " + std::string(name) + " " + std::string(help) + "\n# TYPE " + std::string(name) + " " +
           std::string(type) + "\n";
}

std::string group_label(const GroupStats& group) { return "group=\"" + prometheus_label_value(group.group) + "\""; }

std::string dead_peers_help() {
    std::string help = "Connections kashim configured in the group that ended on a dead peer, by reason:";
    for (int reason = 1; reason <= kReasons; ++reason)
        help += std::string(reason == 1 ? " " : "; ") + kashim_dead_peer_reason_name(reason) + ", " +
                kashim_dead_peer_reason_meaning(reason);
    return help + ".";
}

}  // namespace

uint64_t GroupStats::dead_peers_total() const {
    uint64_t total = 0;
    for (int reason = 1; reason <= kReasons; ++reason) total += dead_peers[reason];
    return total;
}

std::string age_text(int64_t seconds) {
    if (seconds < 0) seconds = 0;
    struct Unit {
        int64_t seconds;
        const char* name;
    };
    static constexpr Unit units[] = {{86400, "d"}, {3600, "h"}, {60, "min"}, {1, "s"}};
    for (size_t i = 0; i + 1 < std::size(units); ++i) {
        if (seconds < units[i].seconds) continue;
        std::string text = std::to_string(seconds / units[i].seconds) + " " + units[i].name;
        int64_t rest = seconds % units[i].seconds / units[i + 1].seconds;
        return rest == 0 ? text : text + " " + std::to_string(rest) + " " + units[i + 1].name;
    }
    return std::to_string(seconds) + " s";
}

std::string rfc3339_utc(int64_t unix_seconds) {
    std::time_t time = static_cast<std::time_t>(unix_seconds);
    std::tm utc{};
    char text[32];
    if (gmtime_r(&time, &utc) == nullptr || std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &utc) == 0)
        return {};
    return text;
}

std::string render_table(const std::vector<GroupStats>& groups, std::time_t now) {
    std::string text;
    for (const GroupStats& group : groups) {
        if (!text.empty()) text += "\n";
        text += group.group + " (policy " + group.policy + ", sets " + sets_text(group) + "; " +
                std::to_string(group.rules) + (group.rules == 1 ? " rule" : " rules") + ")\n";
        if (!group.live) text += row("gone", "its group was removed; these are its last figures");
        if (group.counting_since > 0)
            text += row("counting since", local_time_text(group.counting_since) + " (" +
                                               age_text(now - group.counting_since) + " ago)");
        if (!group.counted) {
            text += row("counts", "none: this attachment keeps no counters (made by a kashim that did not count)");
            continue;
        }
        text += row("configured", std::to_string(group.configured) + (group.configured == 1 ? " connection" : " connections"));
        text += row("dead peers", std::to_string(group.dead_peers_total()));
        for (int reason = 1; reason <= kReasons; ++reason) {
            std::string count = std::to_string(group.dead_peers[reason]);
            count.resize(std::max<size_t>(count.size() + 2, 8), ' ');
            text += row(std::string("  ") + kashim_dead_peer_reason_name(reason),
                        count + kashim_dead_peer_reason_meaning(reason));
        }
    }
    return text;
}


std::string render_json(const std::vector<GroupStats>& groups) {
    std::string text = "{\"groups\": [";
    for (size_t i = 0; i < groups.size(); ++i) {
        const GroupStats& group = groups[i];
        std::string settings;
        for (const auto& [option, value] : group.settings)
            settings += (settings.empty() ? "" : ", ") + json_string(option) + ": " + std::to_string(value);
        bool since = group.counting_since > 0;
        text += std::string(i == 0 ? "\n  " : ",\n  ") + "{\"group\": " + json_string(group.group) +
                ", \"live\": " + (group.live ? "true" : "false") + ", \"pins\": " + json_string(group.pins) +
                ", \"policy\": " + json_string(group.policy) + ", \"settings\": {" + settings +
                "}, \"rules\": " + std::to_string(group.rules) +
                ", \"since\": " + (since ? std::to_string(group.counting_since) : "null") +
                ", \"since_rfc3339\": " + (since ? json_string(rfc3339_utc(group.counting_since)) : "null") +
                ", \"counted\": " + (group.counted ? "true" : "false");
        if (group.counted) {
            std::string reasons;
            for (int reason = 1; reason <= kReasons; ++reason)
                reasons += std::string(reason == 1 ? "" : ", ") + json_string(kashim_dead_peer_reason_name(reason)) +
                           ": " + std::to_string(group.dead_peers[reason]);
            text += ", \"configured\": " + std::to_string(group.configured) + ", \"dead_peers\": {" + reasons +
                    "}, \"dead_peers_total\": " + std::to_string(group.dead_peers_total()) + "}";
        } else {
            text += ", \"configured\": null, \"dead_peers\": null, \"dead_peers_total\": null}";
        }
    }
    return text + (groups.empty() ? "]}\n" : "\n]}\n");
}

std::string prometheus_label_value(std::string_view value) {
    std::string text;
    for (char c : value) {
        if (c == '\\') text += "\\\\";
        else if (c == '"') text += "\\\"";
        else if (c == '\n') text += "\\n";
        else text += c;
    }
    return text;
}

std::string render_prometheus(const std::vector<GroupStats>& groups) {
    std::string text = family("kashim_connections_configured_total", "counter",
                              "TCP connections kashim configured in the group since kashim_counting_since_seconds.");
    for (const GroupStats& group : groups)
        if (group.counted) text += "kashim_connections_configured_total{" + group_label(group) + "} " +
                                   std::to_string(group.configured) + "\n";
    text += family("kashim_dead_peers_total", "counter", dead_peers_help());
    for (const GroupStats& group : groups) {
        if (!group.counted) continue;
        for (int reason = 1; reason <= kReasons; ++reason)
            text += "kashim_dead_peers_total{" + group_label(group) + ",reason=\"" +
                    kashim_dead_peer_reason_name(reason) + "\"} " + std::to_string(group.dead_peers[reason]) + "\n";
    }
    text += family("kashim_counting_since_seconds", "gauge",
                   "Unix time the group's counters started: its first attach (a re-attach keeps them).");
    for (const GroupStats& group : groups)
        if (group.counting_since > 0)
            text += "kashim_counting_since_seconds{" + group_label(group) + "} " +
                    std::to_string(group.counting_since) + "\n";
    text += family("kashim_attachment_info", "gauge",
                   "kashim is attached to the group (1): its policy, the options it sets and its number of rules.");
    for (const GroupStats& group : groups)
        text += "kashim_attachment_info{" + group_label(group) + ",policy=\"" + prometheus_label_value(group.policy) +
                "\",sets=\"" + prometheus_label_value(sets_text(group)) + "\",rules=\"" +
                std::to_string(group.rules) + "\"} 1\n";
    return text;
}

}  // namespace kashim::cli
