#include "library_location.h"

#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <system_error>

namespace kashim::cli {
namespace {

namespace fs = std::filesystem;

std::string normal(const fs::path& path) { return path.lexically_normal().string(); }

}  // namespace

const LibraryLayout& built_layout() {
    // Set by cli/CMakeLists.txt: the install's bin -> lib path and the build tree's cli -> shim path.
    static const LibraryLayout layout{KASHIM_LIBRARY_FILE_NAME,
                                      {KASHIM_LIBDIR_FROM_BINDIR, KASHIM_BUILD_LIBDIR_FROM_BINDIR}};
    return layout;
}

LibrarySearch locate_library(const char* kashim_lib, std::string_view command_path,
                             std::string_view working_directory, const LibraryLayout& layout,
                             const FileExists& exists) {
    LibrarySearch search;
    std::vector<std::string> candidates;
    if (kashim_lib != nullptr && *kashim_lib != '\0') {
        search.found_by = "KASHIM_LIB";
        // Absolute, so the program (and what it runs) can still load it after changing directory.
        candidates.push_back(normal(fs::path(working_directory) / kashim_lib));
    } else {
        fs::path command_dir = fs::path(command_path).parent_path();
        search.found_by = "next to " + std::string(command_path);
        for (const std::string& relative : layout.from_bindir)
            candidates.push_back(normal(command_dir / relative / layout.file_name));
    }
    for (std::string& candidate : candidates) {
        search.tried.push_back(candidate);
        if (exists(candidate)) {
            search.path = std::move(candidate);
            break;
        }
    }
    return search;
}

LibrarySearch locate_own_library() {
    std::error_code error;
    std::string command = fs::read_symlink("/proc/self/exe", error).string();
    std::string working_directory = fs::current_path(error).string();
    return locate_library(std::getenv("KASHIM_LIB"), command, working_directory, built_layout(),
                          [](const std::string& path) { return access(path.c_str(), R_OK) == 0; });
}

std::string describe_failure(const LibrarySearch& search) {
    std::string line = "cannot find libkashim.so (" + search.found_by + "; tried";
    for (const std::string& tried : search.tried) line += " " + tried;
    return line + "); set KASHIM_LIB to its path";
}

}  // namespace kashim::cli
