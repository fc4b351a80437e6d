// `kashim stats [GROUP...] [--json | --prometheus] [--listen ADDR:PORT]`: what kashim's
// attachments counted, per group: the connections they configured and those that ended on a dead
// peer, by reason; printed once, or served to Prometheus.
#pragma once

#include <vector>

#include "command_line.h"
#include "commands/group_argument.h"
#include "commands/subcommands.h"
#include "metrics_server.h"

namespace kashim::cli {

enum class StatsFormat { table, json, prometheus };

struct StatsOptions {
    std::vector<GroupChoice> groups;  // none: every group kashim is attached to
    StatsFormat format = StatsFormat::table;
    bool listen = false;  // serve the Prometheus format on `address` instead of printing
    ListenAddress address;
};

Parsed<StatsOptions> parse_stats_options(const Arguments& args);

extern const Subcommand kStatsCommand;

}  // namespace kashim::cli
