#include "commands/stats.h"

#include "cgroup_mode.h"

namespace kashim::cli {

Parsed<StatsOptions> parse_stats_options(const Arguments& args) {
    Parsed<StatsOptions> parsed;
    StatsOptions& options = parsed.options;
    int formats = 0;
    bool every_one_taken = read_arguments(args, parsed, [&](std::string_view arg, Cursor& cursor) {
        GroupChoice group;
        if (GroupArgument("stats", group).take(arg, cursor, parsed.error)) {
            options.groups.push_back(group);
        } else if (arg == "--json" || arg == "--prometheus") {
            options.format = arg == "--json" ? StatsFormat::json : StatsFormat::prometheus;
            ++formats;
        } else if (names_option(arg, "listen")) {
            std::string address;
            if (take_value(arg, cursor, address, parsed.error) &&
                parse_listen_address(address, options.address, parsed.error))
                options.listen = true;
        } else {
            parsed.error = unknown_option(arg);
        }
        return parsed.error.empty();
    });
    if (!every_one_taken) return parsed;
    if (formats > 1) parsed.error = "stats: --json and --prometheus go one at a time";
    else if (options.listen && options.format == StatsFormat::json)
        parsed.error = "stats: --listen serves the Prometheus format; it does not go with --json";
    if (options.listen) options.format = StatsFormat::prometheus;
    return parsed;
}

namespace {

std::string stats_help() {
    return subcommand_help(
        kStatsCommand,
        {"What kashim's attachments counted, per group: the connections they configured\n"
         "and those that ended on a dead peer, by reason (keepalive, user_timeout,\n"
         "connect), and since when. Without GROUP, every group kashim is attached to.\n",
         std::string(kGroupArgumentHelp) +
             "  --json          one JSON document, {\"groups\": [...]}, an object per group\n"
             "  --prometheus    Prometheus's text format (node_exporter's textfile collector)\n"
             "  --listen ADDR:PORT  serve the Prometheus text on GET /metrics, read anew for\n"
             "                  each scrape, until SIGTERM or SIGINT; PORT or :PORT is\n"
             "                  127.0.0.1:PORT, else 0.0.0.0:PORT, [::1]:PORT, ...\n",
         "0; 1 when there is nothing to report (kashim is attached to no\n"
         "group, or not to a GROUP named); 2 usage error; 125 when cgroup mode cannot\n"
         "run or kashim cannot look (not root), or a GROUP is no group.",
         "STATS"});
}

}  // namespace

const Subcommand kStatsCommand{
    "stats", "stats [GROUP...] [--json | --prometheus] [--listen ADDR:PORT]",
    "connections configured and dead peers, per attached group",
    [](const Arguments& args) { return answer(parse_stats_options(args), stats_help, show_stats); }};

}  // namespace kashim::cli
