// `kashim attach [SETTINGS] [--foreground] [--no-existing] GROUP|--unit NAME|--pid PID`: cgroup
// mode for a running service or container. Every TCP connection of every process in the group
// gets the settings, new ones and those already open, until `kashim detach`.
#pragma once

#include <vector>

#include "command_line.h"
#include "commands/group_argument.h"
#include "commands/subcommands.h"

namespace kashim::cli {

struct AttachOptions {
    std::vector<SettingAssignment> settings;  // in the order given
    GroupChoice group;
    bool foreground = false;  // hold the attachment while kashim runs instead of pinning it
    bool existing = true;     // configure the connections already open too
};

Parsed<AttachOptions> parse_attach_options(const Arguments& args);

extern const Subcommand kAttachCommand;

}  // namespace kashim::cli
