// `kashim check [FILE]`: the config file read exactly as the preload library reads it, before an
// operator puts it in place (as `nginx -t` or `visudo -c` do).
#pragma once

#include <string>

#include "command_line.h"
#include "commands/subcommands.h"

namespace kashim::cli {

struct CheckOptions {
    std::string config_file;  // empty: the built-in path (/etc/kashim.conf unless built otherwise)
};

Parsed<CheckOptions> parse_check_options(const Arguments& args);

extern const Subcommand kCheckCommand;

// The report, and whether the file is clean: every problem with its line, the permission check
// the library makes, the effective settings and rules, and the worst case to notice a dead peer.
struct CheckReport {
    std::string text;
    bool clean = false;
};

CheckReport check_config_file(const std::string& file);

}  // namespace kashim::cli
