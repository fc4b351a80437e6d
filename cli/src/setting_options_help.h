// The setting options as every command that takes them lists them in its --help.
#pragma once

#include <string>
#include <string_view>

namespace kashim::cli {

// `heading`, the form of a DURATION, then a line per setting option with its variable and what it
// means: "  --idle DURATION               KA_IDLE          idle before probing, 1-32767 s".
std::string setting_options_help(std::string_view heading);

}  // namespace kashim::cli
