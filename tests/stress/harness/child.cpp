#include "child.h"

#include <fcntl.h>
#include <ftw.h>
#include <poll.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>
#include <stdexcept>

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

std::vector<char*> pointers(std::vector<std::string>& strings) {
    std::vector<char*> result;
    for (std::string& s : strings) result.push_back(s.data());
    result.push_back(nullptr);
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
    std::vector<std::string> args = options.argv;
    std::vector<std::string> environment = child_environment(options);
    std::vector<char*> arg_pointers = pointers(args);
    std::vector<char*> env_pointers = pointers(environment);

    int out_pipe[2], err_pipe[2];
    if (pipe2(out_pipe, O_CLOEXEC) != 0 || pipe2(err_pipe, O_CLOEXEC) != 0) throw std::runtime_error("pipe");
    double start = now_seconds();
    pid_t pid = fork();
    if (pid < 0) throw std::runtime_error("fork");
    if (pid == 0) {
        setpgid(0, 0);  // its own group, so a timeout kills whatever it started too
        dup2(out_pipe[1], STDOUT_FILENO);
        if (options.close_stderr) close(STDERR_FILENO);
        else dup2(err_pipe[1], STDERR_FILENO);
        int null = open("/dev/null", O_RDONLY);
        if (null >= 0 && null != STDIN_FILENO) dup2(null, STDIN_FILENO), close(null);
        if (options.umask >= 0) umask(static_cast<mode_t>(options.umask));
        if (options.before_exec) options.before_exec();
        execve(arg_pointers[0], arg_pointers.data(), env_pointers.data());
        dprintf(err_pipe[1], "exec %s: %s\n", arg_pointers[0], strerror(errno));
        _exit(127);
    }
    setpgid(pid, pid);
    close(out_pipe[1]);
    close(err_pipe[1]);

    ChildResult result;
    pollfd fds[2] = {{out_pipe[0], POLLIN, 0}, {err_pipe[0], POLLIN, 0}};
    std::string* sinks[2] = {&result.out, &result.err};
    int open_pipes = 2;
    double deadline = start + static_cast<double>(options.timeout.count()) / 1000.0;
    while (open_pipes > 0 && now_seconds() < deadline) {
        if (poll(fds, 2, 100) <= 0) continue;
        for (int i = 0; i < 2; ++i) {
            if (fds[i].fd < 0 || fds[i].revents == 0) continue;
            char buffer[65536];
            ssize_t n = read(fds[i].fd, buffer, sizeof buffer);
            if (n > 0) {
                sinks[i]->append(buffer, static_cast<size_t>(n));
            } else {
                close(fds[i].fd);
                fds[i].fd = -1;
                --open_pipes;
            }
        }
    }
    int status = 0;
    // The pipes close when the child exits, unless something it started still holds them.
    while (waitpid(pid, &status, WNOHANG) == 0) {
        if (now_seconds() >= deadline) {
            result.timed_out = true;
            kill(-pid, SIGKILL);
            kill(pid, SIGKILL);
            waitpid(pid, &status, 0);
            break;
        }
        usleep(2000);
    }
    for (pollfd& fd : fds)
        if (fd.fd >= 0) close(fd.fd);
    if (open_pipes > 0) kill(-pid, SIGKILL);  // leftovers of its group
    result.seconds = now_seconds() - start;
    if (WIFEXITED(status)) result.exit_code = WEXITSTATUS(status);
    if (WIFSIGNALED(status)) result.signal = WTERMSIG(status);
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
