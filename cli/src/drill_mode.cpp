// kashim drill: PROG in a scratch group of its own, with kashim's settings (or none, --bare) and
// the drill's cut attached; the drill stays PROG's parent, cuts the group's TCP traffic once PROG
// has a connection, and follows each connection open at the cut to its end or to --within.
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <memory>

#include "cgroup_attachment.h"
#include "cgroup_location.h"
#include "cgroup_mode.h"
#include "connection_end.h"
#include "diagnostics.h"
#include "drill_connections.h"
#include "drill_cut.h"
#include "drill_report.h"
#include "duration_text.h"
#include "group_settings.h"
#include "program_exec.h"

namespace kashim::cli {
namespace {

constexpr uint64_t kTickMs = 50;     // how often connections and the group are looked at
constexpr uint64_t kGraceMs = 2000;  // between PROG's SIGTERM and its SIGKILL

uint64_t now_ms() {
    timespec now{};
    clock_gettime(CLOCK_MONOTONIC, &now);
    return static_cast<uint64_t>(now.tv_sec) * 1000 + static_cast<uint64_t>(now.tv_nsec) / 1000000;
}

// The settings' bound, an eighth more (the kernel's timers may fire that much late), rounded up
// to a second, and 2 s for the drill's own looking.
uint64_t default_within(uint64_t bound_ms) { return (bound_ms + bound_ms / 8 + 999) / 1000 * 1000 + 2000; }

// The scratch group: emptied and removed on every way out of the drill.
class ScratchGroup {
public:
    explicit ScratchGroup(std::string directory) : directory_(std::move(directory)) {}
    ScratchGroup(const ScratchGroup&) = delete;
    ScratchGroup& operator=(const ScratchGroup&) = delete;
    ~ScratchGroup() {
        if (!processes_in_group(directory_).empty()) kill_all();
        for (int tries = 0; tries < 100 && rmdir(directory_.c_str()) != 0 && errno == EBUSY; ++tries) usleep(50000);
    }
    const std::string& directory() const { return directory_; }
    std::vector<int> processes() const { return processes_in_group(directory_); }
    void signal_all(int signal) const {
        for (int pid : processes()) kill(pid, signal);
    }
    // cgroup.kill (Linux 5.14) takes the processes forked meanwhile too.
    void kill_all() const {
        int file = open((directory_ + "/cgroup.kill").c_str(), O_WRONLY | O_CLOEXEC);
        bool killed = file >= 0 && write(file, "1", 1) == 1;
        if (file >= 0) close(file);
        if (!killed) signal_all(SIGKILL);
    }

private:
    std::string directory_;
};

// PROG's status, reaped with every orphan it left (the drill is their subreaper).
struct Program {
    pid_t pid = -1;
    bool ended = false;
    int status = 0;
    uint64_t ended_at = 0;

    void reap() {
        int status_of = 0;
        pid_t reaped;
        while ((reaped = waitpid(-1, &status_of, WNOHANG)) > 0) {
            if (reaped != pid) continue;
            ended = true;
            status = status_of;
            ended_at = now_ms();
        }
    }
};

std::string status_text(int status) {
    if (WIFEXITED(status)) return "exited with status " + std::to_string(WEXITSTATUS(status));
    return std::string("killed by SIG") + sigabbrev_np(WTERMSIG(status));
}

// Waits a tick; true when SIGINT or SIGTERM came meanwhile, naming it in `signal`.
bool interrupted_within(int signals, uint64_t millis, std::string& signal) {
    pollfd wait{signals, POLLIN, 0};
    if (poll(&wait, 1, static_cast<int>(millis)) <= 0) return false;
    signalfd_siginfo info{};
    if (read(signals, &info, sizeof info) != sizeof info) return false;
    signal = std::string("SIG") + sigabbrev_np(static_cast<int>(info.ssi_signo));
    return true;
}

// In the child: into the group, then PROG. What failed goes back through `report` (close-on-exec:
// nothing comes when the exec worked).
struct ChildFailure {
    int entering;  // 1: entering the group failed, 0: the exec
    int error;
};

[[noreturn]] void become_program(const std::string& directory, const std::vector<std::string>& program,
                                 const sigset_t& original, int report) {
    sigprocmask(SIG_SETMASK, &original, nullptr);
    int procs = open((directory + "/cgroup.procs").c_str(), O_WRONLY | O_CLOEXEC);
    std::string pid = std::to_string(getpid());
    if (procs < 0 || write(procs, pid.data(), pid.size()) != static_cast<ssize_t>(pid.size())) {
        ChildFailure failure{1, errno};
        (void)!write(report, &failure, sizeof failure);
        _exit(kExitFailure);
    }
    close(procs);
    std::vector<char*> arguments = argv_of(program);
    execvp(arguments[0], arguments.data());
    ChildFailure failure{0, errno};
    (void)!write(report, &failure, sizeof failure);
    _exit(kExitNotFound);
}

// One connection open at the cut, and the duplicate it is followed through.
struct Followed {
    DrilledConnection report;
    uint64_t inode = 0;
    UniqueFd socket;
};

class Drill {
public:
    Drill(const DrillOptions& options, DrillReport& report, const ScratchGroup& group, DrillCut& cut, int signals)
        : options_(options), report_(report), group_(group), cut_(cut), signals_(signals) {}

    // Runs PROG (already started) through the drill; the report says what happened.
    void run(Program& program) {
        uint64_t started = now_ms();
        uint64_t first_connection = 0;
        while (true) {
            program.reap();
            std::vector<int> pids = group_.processes();
            uint64_t now = now_ms();
            if (!report_.cut) {
                if (!report_.connected && !established_connections(pids).empty()) {
                    report_.connected = true;
                    first_connection = now;
                }
                if (report_.connected && now >= first_connection + report_.cut_after_ms) {
                    cut_at_ = now;
                    take_cut(pids);
                    if (followed_.empty()) return;
                } else if (pids.empty() || (!report_.connected && now - started >= report_.within_ms)) {
                    return;  // PROG ended before the cut, or never connected in time
                }
            } else if (follow(pids, now)) {
                return;
            }
            std::string signal;
            if (interrupted_within(signals_, kTickMs, signal)) {
                report_.problem = "interrupted by " + signal;
                return;
            }
        }
    }

    // The connections the drill holds are closed without a word to their peers.
    void let_go() {
        for (Followed& followed : followed_) {
            if (followed.socket) close_quietly(followed.socket);
            report_.connections.push_back(followed.report);
        }
        followed_.clear();
    }

private:
    // Cuts first, then lists: no connection can be made after the cut, so none is missed.
    void take_cut(const std::vector<int>& pids) {
        cut_.cut();
        report_.cut = true;
        for (const GroupConnection& connection : established_connections(pids)) {
            std::string problem;
            UniqueFd socket = duplicate_connection(connection, problem);
            if (!socket) {
                say("drill: cannot follow pid " + std::to_string(connection.pid) + " fd " +
                    std::to_string(connection.fd) + ": " + problem);
                continue;
            }
            DrilledConnection drilled;
            drilled.local = address_text(connection.tcp.local);
            drilled.peer = address_text(connection.tcp.remote);
            drilled.pid = connection.pid;
            drilled.fd = connection.fd;
            followed_.push_back({drilled, connection.tcp.inode, std::move(socket)});
        }
        if (!options_.json)
            std::printf("drill: cut %s after the first connection; following %zu connection%s for %s\n",
                        seconds_text(report_.cut_after_ms).c_str(), followed_.size(),
                        followed_.size() == 1 ? "" : "s", seconds_text(report_.within_ms).c_str());
        std::fflush(stdout);
    }

    // Looks at each connection still open; true when none is left, or --within has passed.
    bool follow(const std::vector<int>& pids, uint64_t now) {
        std::set<uint64_t> held = held_sockets(pids);
        bool all_ended = true;
        for (Followed& followed : followed_) {
            DrilledConnection& connection = followed.report;
            if (connection.ended) continue;
            ConnectionState state = connection_state(followed.socket.get());
            if (state.closed) {
                connection.how = end_text(state);
            } else if (pids.empty()) {
                connection.how = "the program ended, leaving it open";
            } else if (held.count(followed.inode) == 0) {
                connection.how = "the program closed it";
                close_quietly(followed.socket);
            } else {
                all_ended = false;
                continue;
            }
            connection.ended = true;
            connection.after_ms = now - cut_at_;
        }
        // Once every connection has ended, PROG has a grace period (within --within) to act on it
        // and exit on its own before the drill stops it.
        if (all_ended && !all_ended_at_) all_ended_at_ = now;
        if (all_ended_at_ && (pids.empty() || now - all_ended_at_ >= kGraceMs)) return true;
        if (now - cut_at_ < report_.within_ms) return false;
        for (Followed& followed : followed_)
            if (!followed.report.ended) followed.report.after_ms = report_.within_ms;
        return true;
    }

    const DrillOptions& options_;
    DrillReport& report_;
    const ScratchGroup& group_;
    DrillCut& cut_;
    int signals_;
    uint64_t cut_at_ = 0;
    uint64_t all_ended_at_ = 0;
    std::vector<Followed> followed_;
};

// PROG and whatever it left in the group end: SIGTERM, then SIGKILL after the grace period.
std::string stop(const ScratchGroup& group, Program& program) {
    program.reap();
    if (group.processes().empty() && program.ended) return status_text(program.status) + " on its own";
    uint64_t asked = now_ms();
    group.signal_all(SIGTERM);
    bool killed = false;
    for (uint64_t waited = 0; !group.processes().empty() || !program.ended; waited = now_ms() - asked) {
        if (waited >= kGraceMs && !killed) {
            group.kill_all();
            killed = true;
        }
        if (waited >= kGraceMs + 5000) break;  // cannot end it: the group's destructor tries again
        usleep(20000);
        program.reap();
    }
    std::string ended = program.ended ? status_text(program.status) : "still running";
    if (killed)
        return "stopped by the drill: " + ended + " (SIGKILL, " + seconds_text(kGraceMs) + " after its SIGTERM)";
    return "stopped by the drill: " + ended + " " + seconds_text(program.ended_at - asked) + " after its SIGTERM";
}

int report_and_exit(const DrillOptions& options, const DrillReport& report) {
    std::string text = options.json ? drill_json(report) : drill_text(report);
    std::fputs(text.c_str(), stdout);
    std::fflush(stdout);
    return drill_exit_status(report);
}

}  // namespace

int run_drill(const DrillOptions& options) {
    // Taken through a signalfd from here on, so the drill always cleans up after itself.
    sigset_t stop_signals, original;
    sigemptyset(&stop_signals);
    sigaddset(&stop_signals, SIGINT);
    sigaddset(&stop_signals, SIGTERM);
    sigprocmask(SIG_BLOCK, &stop_signals, &original);
    UniqueFd signals(signalfd(-1, &stop_signals, SFD_CLOEXEC | SFD_NONBLOCK));

    DrillReport report;
    report.program = options.program[0];
    report.bare = options.bare;
    report.cut_after_ms = options.cut_after_ms;
    GroupSettings settings = load_group_settings(options.settings);
    if (!options.bare && !settings.config.enabled)
        return fail("drill: KA_ENABLE is off, so kashim would attach nothing; --bare drills without kashim");
    if (!options.bare || !options.settings.empty())
        report.bound_ms = detection_bound(expand_detect(settings.config.keepalive), settings.kernel).idle_ms;
    report.within_ms = options.within_ms ? *options.within_ms : default_within(*report.bound_ms);
    report.settings = options.bare ? "none (--bare)" : describe(settings);

    if (std::string problem = cgroup_engine_unavailable(); !problem.empty()) return fail("drill: " + problem);
    std::string problem;
    std::string mount = cgroup2_mount(problem);
    std::string own = mount.empty() ? "" : resolve_group({"", "", getpid()}, mount, problem);
    if (own.empty()) return fail("drill: " + problem);
    std::string directory = own + "/kashim-drill-" + std::to_string(getpid());
    if (mkdir(directory.c_str(), 0755) != 0)
        return fail("drill: cannot make the group " + directory + ": " + std::strerror(errno));
    ScratchGroup group(directory);
    std::unique_ptr<HeldAttachment> held;
    if (!options.bare) {
        Prepared prepared = prepare(settings, {directory, "", 0});
        if (prepared.problem.empty()) held = attach_held({directory, prepared.bpf}, HeldPins::kUnpinned, prepared.problem);
        if (!held) return fail("drill: " + prepared.problem);
    }
    std::unique_ptr<DrillCut> cut = attach_drill_cut(directory, problem);
    if (!cut) return fail("drill: " + problem);

    prctl(PR_SET_CHILD_SUBREAPER, 1);
    int failures[2];
    if (pipe2(failures, O_CLOEXEC) != 0) return fail(std::string("drill: pipe: ") + std::strerror(errno));
    std::fflush(stdout);
    Program program;
    program.pid = fork();
    if (program.pid == 0) become_program(directory, options.program, original, failures[1]);
    close(failures[1]);
    ChildFailure failure{};
    ssize_t failed = program.pid < 0 ? 0 : read(failures[0], &failure, sizeof failure);
    close(failures[0]);
    if (program.pid < 0) return fail(std::string("drill: fork: ") + std::strerror(errno));
    if (failed == sizeof failure) {
        waitpid(program.pid, nullptr, 0);
        return fail("drill: " + (failure.entering ? "cannot enter the group " + directory : options.program[0]) +
                    ": " + std::strerror(failure.error));
    }
    if (!options.json)
        std::printf("drill: %s runs in %s; kashim: %s\n", options.program[0].c_str(),
                    group_name(directory, mount).c_str(), report.settings.c_str());
    std::fflush(stdout);

    Drill drill(options, report, group, *cut, signals.get());
    drill.run(program);
    report.program_status = stop(group, program);
    drill.let_go();  // while the cut still drops what closing them sends
    cut.reset();
    held.reset();
    return report_and_exit(options, report);
}

}  // namespace kashim::cli
