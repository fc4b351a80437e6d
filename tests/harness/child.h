// Runs a test child to completion under chosen preloads and environment and collects what it
// printed (through the one harness, child_process.h). Shared by the integration and robustness
// tests (stress, hostile input, security, fault injection).
#pragma once

#include <sys/types.h>

#include <chrono>
#include <functional>
#include <map>
#include <string>
#include <vector>

namespace robustness {

struct ChildOptions {
    std::vector<std::string> argv;
    // Added to this process's environment, from which LD_PRELOAD and every KA_* are removed first.
    std::map<std::string, std::string> env;
    // LD_PRELOAD entries in order; in a sanitizer build the sanitizer runtime is put first.
    std::vector<std::string> preload;
    std::chrono::milliseconds timeout{60000};
    bool close_stderr = false;  // the child starts with no fd 2
    int umask = -1;             // -1: inherited
    // Runs in the child after fork, before exec (the harness is single-threaded there).
    std::function<void()> before_exec;
};

struct ChildResult {
    int exit_code = -1;  // -1 when it did not exit normally
    int signal = 0;
    bool timed_out = false;
    std::string out, err;
    double seconds = 0;
    // One line for assertion messages: how it ended, and its stderr.
    std::string describe() const;
};

ChildResult run_child(const ChildOptions& options);

// The built libkashim.so.
const char* shim_library();

// LD_PRELOAD for `libraries`: the sanitizer runtime first in sanitizer builds.
std::string preload_value(const std::vector<std::string>& libraries);

// Whether this build is instrumented (some checks are slower or differ there).
bool sanitizer_build();

// Writes `text` to a new file `path` with `mode`.
void write_file(const std::string& path, const std::string& text, mode_t mode = 0644);
std::string read_file(const std::string& path);

// A fresh directory under /tmp, removed with everything in it when the object goes.
class TempDir {
public:
    TempDir();
    ~TempDir();
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;
    const std::string& path() const { return path_; }
    std::string operator/(const std::string& name) const { return path_ + "/" + name; }

private:
    std::string path_;
};

}  // namespace robustness
