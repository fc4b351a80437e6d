// `kashim attached`: the groups kashim's cgroup mode is attached to, with their settings.
#pragma once

#include "command_line.h"
#include "commands/subcommands.h"

namespace kashim::cli {

// It takes no arguments but --help.
struct AttachedOptions {};

Parsed<AttachedOptions> parse_attached_options(const Arguments& args);

extern const Subcommand kAttachedCommand;

}  // namespace kashim::cli
