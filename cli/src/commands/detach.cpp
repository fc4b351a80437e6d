#include "commands/detach.h"

#include "cgroup_mode.h"
#include "usage.h"

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

const Subcommand kDetachCommand{
    "detach", "detach GROUP|--unit NAME|--pid PID", "end what attach pinned on a group",
    [](const Arguments& args) { return answer(parse_detach_options(args), help_text, detach_from_group); }};

}  // namespace kashim::cli
