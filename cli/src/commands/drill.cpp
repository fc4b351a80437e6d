#include "commands/drill.h"

#include "cgroup_mode.h"
#include "core/duration.h"

namespace kashim::cli {
namespace {

// A duration option's value, "2s", "1500ms", "10" (seconds).
bool take_duration(std::string_view arg, Cursor& cursor, uint64_t& millis, std::string& error) {
    std::string value;
    if (!take_value(arg, cursor, value, error)) return false;
    ParsedNumber parsed = parse_duration_ms(value);
    if (parsed.error != NumberError::None) {
        error = "drill: " + std::string(arg.substr(0, arg.find('='))) + ": '" + value +
                "' is not a duration (10, 30s, 1500ms, 5m)";
        return false;
    }
    millis = parsed.value;
    return true;
}

}  // namespace

Parsed<DrillOptions> parse_drill_options(const Arguments& args) {
    Parsed<DrillOptions> parsed;
    DrillOptions& options = parsed.options;
    auto take = [&](std::string_view arg, Cursor& cursor) {
        if (arg == "--bare") {
            options.bare = true;
        } else if (arg == "--json") {
            options.json = true;
        } else if (names_option(arg, "cut-after")) {
            return take_duration(arg, cursor, options.cut_after_ms, parsed.error);
        } else if (names_option(arg, "within")) {
            uint64_t within = 0;
            if (!take_duration(arg, cursor, within, parsed.error)) return false;
            if (within == 0) {
                parsed.error = "drill: --within must be longer than 0";
                return false;
            }
            options.within_ms = within;
        } else {
            return take_setting(arg, cursor, options.settings, parsed.error);
        }
        return true;
    };
    if (!read_options_then_program(args, parsed, options.program, take)) return parsed;
    if (options.program.empty())
        parsed.error = "drill: no program given; usage: kashim drill [SETTINGS] [OPTIONS] -- PROG [ARGS...]";
    else if (options.bare && options.settings.empty() && !options.within_ms)
        parsed.error = "drill: --bare has no bound of its own: give --within, or the settings whose bound to hold "
                       "the program to";
    return parsed;
}

namespace {

std::string drill_help() {
    return subcommand_help(
        kDrillCommand,
        {"Proves that PROG notices a dead peer within its bound. PROG runs in a scratch\n"
         "cgroup v2 group with kashim's settings (as --cgroup gives them), kashim staying\n"
         "its parent. Once PROG has an ESTABLISHED TCP connection, the group's TCP\n"
         "traffic is cut both ways (BPF drops every packet; new SYNs go unanswered), and\n"
         "each connection open at the cut is followed to its end or to --within. Then\n"
         "PROG gets SIGTERM, and SIGKILL 2 s later; the group and the programs go.\n"
         "Needs root, cgroup v2 and Linux 5.10.\n",
         "  --bare          attach no settings: the baseline, held to the bound of the\n"
         "                  settings given (or to --within)\n"
         "  --cut-after DURATION\n"
         "                  cut this long after PROG's first ESTABLISHED connection\n"
         "                  (default 2s)\n"
         "  --within DURATION\n"
         "                  each connection must end this long after the cut (default:\n"
         "                  the settings' bound on an idle connection, an eighth more,\n"
         "                  rounded up to a second, plus 2s); PROG has as long to connect\n"
         "  --json          print one JSON document instead of lines\n",
         "0 every connection open at the cut ended in time (or PROG\n"
         "ended); 1 one was still open, or PROG made no connection; 2 usage error; 125\n"
         "the drill could not run (or was interrupted).",
         "DRILL", true});
}

}  // namespace

const Subcommand kDrillCommand{
    "drill", "drill [SETTINGS] [--bare] [--cut-after D] [--within D] [--json] -- PROG",
    "cut a program's connections; prove it notices within its bound",
    [](const Arguments& args) { return answer(parse_drill_options(args), drill_help, run_drill); }};

}  // namespace kashim::cli
