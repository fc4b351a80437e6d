// The texts of --help and --version.
#pragma once

#include <string>

namespace kashim::cli {

std::string help_text();
std::string version_text();

}  // namespace kashim::cli
