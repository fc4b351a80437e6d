#include "child_process.h"

#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <stdexcept>
#include <system_error>

namespace harness {
namespace {

std::vector<char*> pointers(std::vector<std::string>& strings) {
    std::vector<char*> result;
    for (std::string& text : strings) result.push_back(text.data());
    result.push_back(nullptr);
    return result;
}

bool is_executable_file(const std::string& path) {
    struct stat info;
    return stat(path.c_str(), &info) == 0 && S_ISREG(info.st_mode) && access(path.c_str(), X_OK) == 0;
}

// What the child reports through the exec-error pipe when it cannot become the program.
struct StartFailure {
    int error;
    char step[32];
};

[[noreturn]] void fail_in_child(int report_fd, int error, const char* step) {
    StartFailure failure{error, {}};
    strncpy(failure.step, step, sizeof failure.step - 1);
    ssize_t ignored = write(report_fd, &failure, sizeof failure);
    (void)ignored;
    _exit(127);
}

// Only async-signal-safe calls from here to execve: the harness may have threads.
[[noreturn]] void become_program(const char* path, char* const* argv, char* const* envp, const ChildSpec& spec,
                                 int output_fd, int errors_fd, int report_fd, pid_t harness) {
    setpgid(0, 0);
    if (prctl(PR_SET_PDEATHSIG, SIGKILL) != 0) fail_in_child(report_fd, errno, "prctl");
    if (getppid() != harness) _exit(127);  // the harness died before the line above
    if (spec.netns_fd >= 0 && setns(spec.netns_fd, CLONE_NEWNET) != 0) fail_in_child(report_fd, errno, "setns");
    int null_fd = open("/dev/null", O_RDONLY);
    if (null_fd < 0) fail_in_child(report_fd, errno, "open /dev/null");
    if (dup2(null_fd, STDIN_FILENO) < 0 || dup2(output_fd, STDOUT_FILENO) < 0) fail_in_child(report_fd, errno, "dup2");
    if (spec.stderr_to == Stderr::Closed) close(STDERR_FILENO);
    else if (spec.stderr_to != Stderr::Inherited && dup2(errors_fd, STDERR_FILENO) < 0)
        fail_in_child(report_fd, errno, "dup2");
    if (spec.umask >= 0) umask(static_cast<mode_t>(spec.umask));
    if (spec.before_exec) spec.before_exec();
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, nullptr);
    execve(path, argv, envp);
    fail_in_child(report_fd, errno, "execve");
}

int pidfd_open(pid_t pid) { return static_cast<int>(syscall(SYS_pidfd_open, pid, 0)); }

}  // namespace

std::optional<std::string> find_program(const std::string& name) {
    if (name.find('/') != std::string::npos) {
        if (is_executable_file(name)) return name;
        return std::nullopt;
    }
    const char* path = getenv("PATH");
    std::string directories = path != nullptr ? path : "/usr/local/bin:/usr/bin:/bin";
    size_t start = 0;
    while (start <= directories.size()) {
        size_t end = directories.find(':', start);
        if (end == std::string::npos) end = directories.size();
        std::string directory = directories.substr(start, end - start);
        std::string candidate = (directory.empty() ? "." : directory) + "/" + name;
        if (is_executable_file(candidate)) return candidate;
        start = end + 1;
    }
    return std::nullopt;
}

std::string ChildExit::describe() const {
    if (exited) return "exit status " + std::to_string(code);
    const char* name = sigabbrev_np(signal);
    return std::string("killed by ") + (name != nullptr ? std::string("SIG") + name : std::to_string(signal));
}

ChildProcess::ChildProcess(const ChildSpec& spec) : name_(spec.argv.at(0)) {
    std::optional<std::string> path = find_program(spec.argv[0]);
    if (!path) throw std::system_error(ENOENT, std::generic_category(), "cannot find " + name_);
    std::vector<std::string> argv = spec.argv;
    std::vector<std::string> env = spec.env;
    std::vector<char*> argv_pointers = pointers(argv);
    std::vector<char*> env_pointers = pointers(env);

    auto make_pipe = [](UniqueFd& read_end, UniqueFd& write_end) {
        int ends[2];
        if (pipe2(ends, O_CLOEXEC) != 0) throw std::system_error(errno, std::generic_category(), "pipe2");
        read_end.reset(ends[0]);
        write_end.reset(ends[1]);
    };
    UniqueFd output_read, output_write, errors_read, errors_write, report_read, report_write;
    make_pipe(output_read, output_write);
    make_pipe(report_read, report_write);
    if (spec.stderr_to == Stderr::Separate) make_pipe(errors_read, errors_write);
    int errors_fd = spec.stderr_to == Stderr::Separate ? errors_write.get() : output_write.get();

    pid_t harness = getpid();
    pid_t pid = fork();
    if (pid < 0) throw std::system_error(errno, std::generic_category(), "fork");
    if (pid == 0)
        become_program(path->c_str(), argv_pointers.data(), env_pointers.data(), spec, output_write.get(), errors_fd,
                       report_write.get(), harness);
    pid_ = pid;
    // Also set here: the parent may signal the group before the child has run setpgid.
    setpgid(pid_, pid_);
    output_write.reset();
    errors_write.reset();
    report_write.reset();

    // The report pipe closes on a successful execve (O_CLOEXEC), so a read of 0 means started.
    StartFailure failure{};
    ssize_t got;
    do got = read(report_read.get(), &failure, sizeof failure);
    while (got < 0 && errno == EINTR);
    if (got > 0) {
        waitpid(pid_, nullptr, 0);
        pid_ = -1;
        throw std::system_error(failure.error, std::generic_category(),
                                "cannot start " + name_ + " (" + failure.step + ")");
    }
    pidfd_.reset(pidfd_open(pid_));
    if (!pidfd_) {
        int error = errno;
        kill(pid_, SIGKILL);
        waitpid(pid_, nullptr, 0);
        pid_ = -1;
        throw std::system_error(error, std::generic_category(), "pidfd_open");
    }
    fcntl(output_read.get(), F_SETFL, O_NONBLOCK);
    output_ = std::move(output_read);
    if (errors_read) fcntl(errors_read.get(), F_SETFL, O_NONBLOCK);
    errors_ = std::move(errors_read);
}

ChildProcess::~ChildProcess() {
    if (pid_ < 0) return;
    // The group first, while the unreaped leader still holds the group id, so no stray helper
    // survives and no unrelated process can have taken the id.
    kill(-pid_, SIGKILL);
    kill(pid_, SIGKILL);
    while (waitpid(pid_, nullptr, 0) < 0 && errno == EINTR) {
    }
}

void ChildProcess::drain_output() {
    char buffer[4096];
    for (auto [pipe, text] : {std::pair{&output_, &text_}, std::pair{&errors_, &error_text_}}) {
        while (*pipe) {
            ssize_t got = read(pipe->get(), buffer, sizeof buffer);
            if (got > 0) {
                text->append(buffer, static_cast<size_t>(got));
                continue;
            }
            if (got == 0) pipe->reset();
            if (got < 0 && errno == EINTR) continue;
            break;
        }
    }
}

const std::string& ChildProcess::output() {
    drain_output();
    return text_;
}

const std::string& ChildProcess::error_output() {
    drain_output();
    return error_text_;
}

std::optional<ChildExit> ChildProcess::wait_until(Clock::time_point deadline) {
    for (;;) {
        if (exit_) return exit_;
        // WNOWAIT leaves a zombie, so the pid and group id stay ours until the destructor.
        siginfo_t info{};
        if (waitid(P_PIDFD, static_cast<id_t>(pidfd_.get()), &info, WEXITED | WNOHANG | WNOWAIT) == 0 &&
            info.si_pid != 0) {
            ChildExit result;
            result.at = Clock::now();
            result.exited = info.si_code == CLD_EXITED;
            (result.exited ? result.code : result.signal) = info.si_status;
            exit_ = result;
            drain_output();
            return exit_;
        }
        Clock::time_point now = Clock::now();
        if (now >= deadline) return std::nullopt;
        // At most a minute at a time, so a far deadline (time_point::max) cannot overflow poll's int.
        auto remaining = std::min<long long>(std::chrono::ceil<std::chrono::milliseconds>(deadline - now).count(), 60000);
        // A closed pipe is left out (a negative fd is ignored by poll).
        pollfd fds[3] = {{pidfd_.get(), POLLIN, 0}, {output_ ? output_.get() : -1, POLLIN, 0},
                         {errors_ ? errors_.get() : -1, POLLIN, 0}};
        int ready = poll(fds, 3, static_cast<int>(remaining));
        if (ready < 0 && errno != EINTR) throw std::system_error(errno, std::generic_category(), "poll");
        if (ready > 0 && (fds[1].revents != 0 || fds[2].revents != 0)) drain_output();
    }
}

void ChildProcess::send_signal(int signal) {
    if (kill(pid_, signal) != 0) throw std::system_error(errno, std::generic_category(), "kill " + name_);
}

CommandResult run_command(const std::vector<std::string>& argv, std::chrono::milliseconds timeout) {
    std::vector<std::string> env;
    if (const char* path = getenv("PATH")) env.push_back(std::string("PATH=") + path);
    env.push_back("LC_ALL=C");
    ChildProcess command({argv, env, -1});
    std::optional<ChildExit> exit = command.wait_until(Clock::now() + timeout);
    if (!exit) {
        throw std::runtime_error(argv[0] + " did not finish within " + std::to_string(timeout.count()) +
                                 " ms: " + command.output());
    }
    return {*exit, command.output()};
}

}  // namespace harness
