// The one way tests and the benchmark start programs. A program the harness starts is never left
// behind: it runs in its own process group (so helpers it forks go with it), dies with the
// harness (PR_SET_PDEATHSIG, for the case where the harness itself is killed and no destructor
// runs), and is killed and reaped on destruction.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "unique_fd.h"

namespace harness {

using Clock = std::chrono::steady_clock;

// The absolute path `name` would be run as (PATH search unless it contains a slash).
std::optional<std::string> find_program(const std::string& name);

// Where the child's stderr goes.
enum class Stderr {
    WithStdout,  // one pipe for both, in order: output()
    Separate,    // a pipe of its own: error_output()
    Inherited,   // the harness's own stderr
    Closed,      // the child starts with no fd 2
};

struct ChildSpec {
    std::vector<std::string> argv;  // argv[0] is resolved with find_program
    std::vector<std::string> env;   // the child's whole environment, NAME=value
    int netns_fd = -1;              // a network namespace to run in, or -1 for the harness's own
    Stderr stderr_to = Stderr::WithStdout;
    int umask = -1;                       // -1: inherited
    std::function<void()> before_exec = {};  // runs in the child after fork (async-signal-safe only)
};

struct ChildExit {
    Clock::time_point at;
    bool exited = false;  // false: killed by `signal`
    int code = 0;
    int signal = 0;

    bool success() const { return exited && code == 0; }
    std::string describe() const;  // "exit status 1", "killed by SIGKILL"
};

class ChildProcess {
public:
    // Throws std::system_error when the program cannot be started (not found, exec failed).
    explicit ChildProcess(const ChildSpec& spec);
    ~ChildProcess();
    ChildProcess(const ChildProcess&) = delete;
    ChildProcess& operator=(const ChildProcess&) = delete;

    pid_t pid() const { return pid_; }
    const std::string& name() const { return name_; }

    // The exit, once it has happened; waits for it until `deadline` at most. The exit time is
    // taken when the kernel reports it, so it is as precise as the poll wake-up.
    std::optional<ChildExit> wait_until(Clock::time_point deadline);
    bool running() { return !wait_until(Clock::now()); }

    void send_signal(int signal);

    // Everything it wrote to stdout (and stderr, with Stderr::WithStdout) so far.
    const std::string& output();
    // Everything it wrote to stderr so far, with Stderr::Separate.
    const std::string& error_output();

private:
    void drain_output();

    std::string name_;
    pid_t pid_ = -1;
    UniqueFd pidfd_;
    UniqueFd output_, errors_;
    std::string text_, error_text_;
    std::optional<ChildExit> exit_;
};

// Runs a short command to completion (or kills it at `timeout`); returns its exit and output.
struct CommandResult {
    ChildExit exit;
    std::string output;
};
CommandResult run_command(const std::vector<std::string>& argv,
                          std::chrono::milliseconds timeout = std::chrono::seconds(10));

}  // namespace harness
