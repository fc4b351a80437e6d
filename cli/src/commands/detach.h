// `kashim detach GROUP|--unit NAME|--pid PID`: ends what `kashim attach` pinned on a group.
#pragma once

#include "command_line.h"
#include "commands/group_argument.h"
#include "commands/subcommands.h"

namespace kashim::cli {

struct DetachOptions {
    GroupChoice group;
};

Parsed<DetachOptions> parse_detach_options(const Arguments& args);

extern const Subcommand kDetachCommand;

}  // namespace kashim::cli
