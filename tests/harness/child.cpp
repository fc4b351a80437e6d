#include "child.h"

#include "child_process.h"

#include <fcntl.h>
#include <ftw.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <system_error>

extern char** environ;

namespace robustness {
namespace {

double now_seconds() {
    timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) / 1e9;
}

std::vector<std::string> child_environment(const ChildOptions& options) {
    std::vector<std::string> result;
    for (char** entry = environ; *entry != nullptr; ++entry) {
        std::string text(*entry);
        if (text.rfind("LD_PRELOAD=", 0) == 0 || text.rfind("KA_", 0) == 0) continue;
        if (options.env.count(text.substr(0, text.find('='))) != 0) continue;
        result.push_back(text);
    }
    for (const auto& [name, value] : options.env) result.push_back(name + "=" + value);
    if (!options.preload.empty()) result.push_back("LD_PRELOAD=" + preload_value(options.preload));
    return result;
}

}  // namespace

const char* shim_library() { return KASHIM_LIBRARY; }

bool sanitizer_build() { return KASHIM_SANITIZER_RUNTIME[0] != '\0'; }

std::string preload_value(const std::vector<std::string>& libraries) {
    std::string value = KASHIM_SANITIZER_RUNTIME;
    for (const std::string& library : libraries) {
        if (!value.empty()) value += ':';
        value += library;
    }
    return value;
}

std::string ChildResult::describe() const {
    std::ostringstream text;
    if (timed_out) text << "timed out after " << seconds << " s";
    else if (signal != 0) text << "killed by signal " << signal << " (" << strsignal(signal) << ")";
    else text << "exit code " << exit_code;
    text << "; stderr:\n" << err;
    return text.str();
}

ChildResult run_child(const ChildOptions& options) {
    harness::ChildSpec spec;
    spec.argv = options.argv;
    spec.env = child_environment(options);
    spec.stderr_to = options.close_stderr ? harness::Stderr::Closed : harness::Stderr::Separate;
    spec.umask = options.umask;
    spec.before_exec = options.before_exec;
    ChildResult result;
    double start = now_seconds();
    try {
        harness::ChildProcess child(spec);
        std::optional<harness::ChildExit> exit = child.wait_until(harness::Clock::now() + options.timeout);
        result.out = child.output();
        result.err = child.error_output();
        if (!exit) result.timed_out = true;  // the destructor kills its whole group
        else if (exit->exited) result.exit_code = exit->code;
        else result.signal = exit->signal;
    } catch (const std::system_error& error) {
        result.exit_code = 127;  // as a shell says when the program cannot start
        result.err = std::string(error.what()) + "\n";
    }
    result.seconds = now_seconds() - start;
    return result;
}

void write_file(const std::string& path, const std::string& text, mode_t mode) {
    int fd = open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
    if (fd < 0) throw std::runtime_error("create " + path + ": " + strerror(errno));
    size_t done = 0;
    while (done < text.size()) {
        ssize_t n = write(fd, text.data() + done, text.size() - done);
        if (n <= 0) throw std::runtime_error("write " + path);
        done += static_cast<size_t>(n);
    }
    fchmod(fd, mode);
    close(fd);
}

std::string read_file(const std::string& path) {
    std::ifstream file(path, std::ios::binary);
    std::ostringstream text;
    text << file.rdbuf();
    return text.str();
}

TempDir::TempDir() {
    char name[] = "/tmp/kashim-robustness-XXXXXX";
    if (mkdtemp(name) == nullptr) throw std::runtime_error("mkdtemp");
    path_ = name;
}

TempDir::~TempDir() {
    nftw(
        path_.c_str(),
        [](const char* path, const struct stat*, int, FTW*) { return remove(path); }, 16,
        FTW_DEPTH | FTW_PHYS);
}

}  // namespace robustness
