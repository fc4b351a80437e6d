// Running PROGRAM under kashim: kashim becomes it. The program keeps kashim's pid, process group
// and terminal, so every signal reaches it exactly as it would bare, once, whether it was sent to
// the pid or to the group (a Ctrl-C), and its exit status or death by a signal is the command's;
// there is nothing to forward and no wait that could miss a signal. What must outlive the exec
// (the seccomp supervisor, the holder of a new group's BPF links) runs in a detached helper, in a
// session of its own (the terminal's signals are the program's), and never the program's child
// (the program never meets it in wait()).
#pragma once

#include <functional>

namespace kashim {

// The statuses env(1) and timeout(1) use, so scripts can tell kashim's failures from PROGRAM's.
constexpr int kExitUsage = 2;
constexpr int kExitFailure = 125;
constexpr int kExitCannotRun = 126;
constexpr int kExitNotFound = 127;

// Runs `helper` in a detached process (this process's memory and descriptors, copied), which
// exits when it returns. False, with errno, when it could not be started.
bool start_detached_helper(const std::function<void()>& helper);

// Becomes `argv[0]` (searched in PATH) with `environment`. Returns only when it cannot: it says
// why on stderr ("kashim: PROGRAM: error") and returns kExitNotFound or kExitCannotRun.
int exec_in_place(char* const argv[], char* const environment[]);

}  // namespace kashim
