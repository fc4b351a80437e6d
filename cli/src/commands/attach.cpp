#include "commands/attach.h"

#include "cgroup_mode.h"

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

namespace {

std::string attach_help() {
    return subcommand_help(
        kAttachCommand,
        {"Cgroup mode for a running service or container: every TCP connection of every\n"
         "process in the group gets the settings, new connections and those already\n"
         "open, whatever the program is (static, Go, setuid, io_uring). The attachment\n"
         "is pinned until kashim detach; a second attach replaces the settings in place.\n"
         "Needs root, cgroup v2 and Linux 5.9; prog= rules are refused.\n",
         std::string(kGroupArgumentHelp) +
             "  --foreground    pin nothing: the attachment lasts while kashim runs, and\n"
             "                  SIGTERM or SIGINT detaches\n"
             "  --no-existing   leave the connections already open alone\n",
         "0; 2 usage error; 125 nothing attached (one line says why).", "CGROUP MODE", true});
}

}  // namespace

const Subcommand kAttachCommand{
    "attach", "attach [SETTINGS] [--foreground] [--no-existing] GROUP|--unit NAME|--pid PID",
    "cgroup mode: every connection in a service's or container's group",
    [](const Arguments& args) { return answer(parse_attach_options(args), attach_help, attach_to_group); }};

}  // namespace kashim::cli
