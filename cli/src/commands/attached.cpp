#include "commands/attached.h"

#include "cgroup_mode.h"

namespace kashim::cli {

Parsed<AttachedOptions> parse_attached_options(const Arguments& args) {
    Parsed<AttachedOptions> parsed;
    if (args.size() == 1 && is_help(args[0])) parsed.help = true;
    else if (!args.empty()) parsed.error = "attached: takes no arguments";
    return parsed;
}

namespace {

std::string attached_help() {
    return subcommand_help(
        kAttachedCommand,
        {"Lists the groups kashim attach pinned, one line each: its policy, the options\n"
         "it sets, how many rules it has, and where it is pinned.\n",
         "",
         "0; 1 when kashim is attached to no group; 2 usage error; 125 this\n"
         "kashim was built without cgroup mode.",
         "CGROUP MODE"});
}

}  // namespace

const Subcommand kAttachedCommand{
    "attached", "attached", "list the groups kashim is attached to",
    [](const Arguments& args) { return answer(parse_attached_options(args), attached_help, list_attached_groups); }};

}  // namespace kashim::cli
