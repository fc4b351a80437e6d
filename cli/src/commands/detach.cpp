#include "commands/detach.h"

#include "cgroup_mode.h"

namespace kashim::cli {

Parsed<DetachOptions> parse_detach_options(const Arguments& args) {
    Parsed<DetachOptions> parsed;
    GroupArgument group("detach", parsed.options.group);
    bool every_one_taken = read_arguments(args, parsed, [&](std::string_view arg, Cursor& cursor) {
        if (!group.take(arg, cursor, parsed.error)) parsed.error = unknown_option(arg);
        return parsed.error.empty();
    });
    if (every_one_taken) group.named_once(parsed.error);
    return parsed;
}

namespace {

std::string detach_help() {
    return subcommand_help(
        kDetachCommand,
        {"Ends what kashim attach pinned on the group: its new connections no longer get\n"
         "the settings.\n",
         std::string(kGroupArgumentHelp),
         "0; 2 usage error; 125 nothing detached (one line says why).", "CGROUP MODE"});
}

}  // namespace

const Subcommand kDetachCommand{
    "detach", "detach GROUP|--unit NAME|--pid PID", "end what attach pinned on a group",
    [](const Arguments& args) { return answer(parse_detach_options(args), detach_help, detach_from_group); }};

}  // namespace kashim::cli
