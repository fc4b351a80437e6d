// The config file (KA_CONFIG, or /etc/kashim.conf): "KA_NAME=value" lines with the same meaning
// as the environment variables, "rule ..." lines, "#" comments and blank lines.
#pragma once

#include <string_view>

#include "config.h"

namespace kashim {

// Applies `text`, read from `path`. Every bad line is reported once as "path:N: ..." and
// skipped; the others still apply.
void load_config_file(Config& config, std::string_view text, std::string_view path, LoadReport& report);

}  // namespace kashim
