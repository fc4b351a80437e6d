// Where libkashim.so is: named by KASHIM_LIB, or found from where the kashim command itself is,
// in an installed prefix (bin/ next to lib/) or in the build tree (cli/ next to preload/).
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace kashim::cli {

struct LibraryLayout {
    std::string file_name;               // "libkashim.so"
    std::vector<std::string> from_bindir;  // directories relative to the command's, in search order
};

// The layout this command was built for (installed prefix first, then the build tree).
const LibraryLayout& built_layout();

struct LibrarySearch {
    std::optional<std::string> path;  // absolute and normalised
    std::string found_by;             // "KASHIM_LIB" or "next to <command>"
    std::vector<std::string> tried;
};

using FileExists = std::function<bool(const std::string& path)>;

// `kashim_lib` is the KASHIM_LIB variable (null when unset); a relative one is taken from
// `working_directory`. When it is set, it is the only place looked at.
LibrarySearch locate_library(const char* kashim_lib, std::string_view command_path,
                             std::string_view working_directory, const LibraryLayout& layout,
                             const FileExists& exists);

// locate_library for this process: KASHIM_LIB, /proc/self/exe, the current directory.
LibrarySearch locate_own_library();

// One line explaining a failed search.
std::string describe_failure(const LibrarySearch& search);

}  // namespace kashim::cli
