#include "commands/attached.h"

#include "cgroup_mode.h"
#include "usage.h"

namespace kashim::cli {

Parsed<AttachedOptions> parse_attached_options(const Arguments& args) {
    Parsed<AttachedOptions> parsed;
    if (args.size() == 1 && is_help(args[0])) parsed.help = true;
    else if (!args.empty()) parsed.error = "attached: takes no arguments";
    return parsed;
}

const Subcommand kAttachedCommand{
    "attached", "attached", "list the groups kashim is attached to",
    [](const Arguments& args) { return answer(parse_attached_options(args), help_text, list_attached_groups); }};

}  // namespace kashim::cli
