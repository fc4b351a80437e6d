// What `kashim stats` shows of the groups it is attached to: the connections each attachment
// configured and those that ended on a dead peer, by reason (core/dead_peer.h), as a table for
// people, one JSON document for scripts, or Prometheus's text exposition format for a scrape or
// node_exporter's textfile collector. Pure functions of the figures: reading them is the cgroup
// engine's (cgroup_mode.cpp), so these build and are tested with or without it.
#pragma once

#include <cstdint>
#include <ctime>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/dead_peer.h"

namespace kashim::cli {

// One attachment's figures, as list_attached() reads them.
struct GroupStats {
    std::string group;  // as the kernel names it: "/system.slice/x.service"
    std::string pins;   // its bpffs directory
    bool live = true;   // its group still exists
    std::string policy;                                  // "cap", "override", "respect"
    std::vector<std::pair<std::string, int>> settings;  // what it sets: {"TCP_KEEPIDLE", 30}, ...
    unsigned rules = 0;
    bool counted = false;        // the counters were read; false: an attachment that has none
    int64_t counting_since = 0;  // Unix seconds the counters started; 0 when unknown
    uint64_t configured = 0;
    uint64_t dead_peers[KASHIM_DEAD_PEER_REASONS + 1] = {};  // by kashim_dead_peer_reason; [0] unused

    uint64_t dead_peers_total() const;
};

// A block per group: its figures and since when, in local time and how long before `now`.
std::string render_table(const std::vector<GroupStats>& groups, std::time_t now);

// One JSON document, {"groups": [...]}, one object per group (kashim(1), STATS, lists the keys).
std::string render_json(const std::vector<GroupStats>& groups);

// The Prometheus text exposition format (version 0.0.4): HELP and TYPE for every family, then a
// sample per group (every reason for the dead peers); a group whose counters could not be read has
// its info and no counter samples.
std::string render_prometheus(const std::vector<GroupStats>& groups);

// A label value as the exposition format quotes it: backslash, double quote and newline escaped.
std::string prometheus_label_value(std::string_view value);

// "2026-11-30T01:30:12Z".
std::string rfc3339_utc(int64_t unix_seconds);

// "3 h 5 min", "42 s", "2 d 4 h": the two largest units of a duration in seconds.
std::string age_text(int64_t seconds);

}  // namespace kashim::cli
