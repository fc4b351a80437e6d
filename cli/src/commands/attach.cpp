#include "commands/attach.h"

#include "cgroup_mode.h"
#include "usage.h"

namespace kashim::cli {

Parsed<AttachOptions> parse_attach_options(const Arguments& args) {
    Parsed<AttachOptions> parsed;
    AttachOptions& options = parsed.options;
    GroupArgument group("attach", options.group);
    bool every_one_taken = read_arguments(args, parsed, [&](std::string_view arg, Cursor& cursor) {
        if (arg == "--foreground") {
            options.foreground = true;
            return true;
        }
        if (arg == "--no-existing") {
            options.existing = false;
            return true;
        }
        if (group.take(arg, cursor, parsed.error)) return parsed.error.empty();
        return take_setting(arg, cursor, options.settings, parsed.error);
    });
    if (every_one_taken) group.named_once(parsed.error);
    return parsed;
}

const Subcommand kAttachCommand{
    "attach", "attach [SETTINGS] [--foreground] [--no-existing] GROUP|--unit NAME|--pid PID",
    "cgroup mode: the settings for every connection in a running service's group",
    [](const Arguments& args) { return answer(parse_attach_options(args), help_text, attach_to_group); }};

}  // namespace kashim::cli
