// JSON text the command writes (stats --json, drill --json): one way to quote a string.
#pragma once

#include <string>
#include <string_view>

namespace kashim::cli {

// `value` as a JSON string, quotes included: quote and backslash escaped, control characters as
// \n, \r, \t or \u00XX. Bytes from 0x80 pass as they are (the command's text is UTF-8).
std::string json_string(std::string_view value);

}  // namespace kashim::cli
