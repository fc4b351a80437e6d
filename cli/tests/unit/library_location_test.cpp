#include "library_location.h"

#include <gtest/gtest.h>

#include <set>

namespace kashim::cli {
namespace {

const LibraryLayout kLayout{"libkashim.so", {"../lib/x86_64-linux-gnu", "../preload"}};

FileExists only(std::set<std::string> present) {
    return [present](const std::string& path) { return present.count(path) != 0; };
}

TEST(LocateLibrary, InstalledPrefixFirst) {
    LibrarySearch search = locate_library(nullptr, "/usr/bin/kashim", "/home/u", kLayout,
                                          only({"/usr/lib/x86_64-linux-gnu/libkashim.so", "/usr/preload/libkashim.so"}));
    EXPECT_EQ(search.path, "/usr/lib/x86_64-linux-gnu/libkashim.so");
    EXPECT_EQ(search.found_by, "next to /usr/bin/kashim");
}

TEST(LocateLibrary, InTheBuildTreeTheLibraryIsBesideTheCommandsDirectory) {
    LibrarySearch search =
        locate_library(nullptr, "/src/build/cli/kashim", "/", kLayout, only({"/src/build/preload/libkashim.so"}));
    EXPECT_EQ(search.path, "/src/build/preload/libkashim.so");
    EXPECT_EQ(search.tried.size(), 2u);
}

TEST(LocateLibrary, KashimLibIsTheOnlyPlaceWhenSet) {
    LibrarySearch search = locate_library("lib/custom.so", "/usr/bin/kashim", "/work/dir", kLayout,
                                          only({"/work/dir/lib/custom.so", "/usr/lib/x86_64-linux-gnu/libkashim.so"}));
    EXPECT_EQ(search.path, "/work/dir/lib/custom.so");
    EXPECT_EQ(search.found_by, "KASHIM_LIB");

    search = locate_library("/nowhere/libkashim.so", "/usr/bin/kashim", "/", kLayout,
                            only({"/usr/lib/x86_64-linux-gnu/libkashim.so"}));
    EXPECT_FALSE(search.path);
    EXPECT_EQ(search.tried, (std::vector<std::string>{"/nowhere/libkashim.so"}));
    EXPECT_EQ(describe_failure(search),
              "cannot find libkashim.so (KASHIM_LIB; tried /nowhere/libkashim.so); set KASHIM_LIB to its path");
}

TEST(LocateLibrary, EmptyKashimLibMeansUnset) {
    LibrarySearch search = locate_library("", "/opt/k/bin/kashim", "/", kLayout, only({"/opt/k/preload/libkashim.so"}));
    EXPECT_EQ(search.path, "/opt/k/preload/libkashim.so");
}

TEST(LocateLibrary, NothingFound) {
    LibrarySearch search = locate_library(nullptr, "/x/bin/kashim", "/", kLayout, only({}));
    EXPECT_FALSE(search.path);
    EXPECT_EQ(search.tried, (std::vector<std::string>{"/x/lib/x86_64-linux-gnu/libkashim.so", "/x/preload/libkashim.so"}));
}

TEST(LocateLibrary, BuiltLayoutNamesTheLibrary) {
    EXPECT_EQ(built_layout().file_name, "libkashim.so");
    EXPECT_EQ(built_layout().from_bindir.size(), 2u);
}

}  // namespace
}  // namespace kashim::cli
