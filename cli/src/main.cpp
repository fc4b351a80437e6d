// kashim: runs a program with libkashim.so preloaded, shows what it would get, or reports the
// keepalive state of running processes. Each concern lives in its own file; this one only
// wires them together and owns the exit statuses.
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <string>
#include <vector>

#include "cgroup_commands.h"
#include "child_environment.h"
#include "config_check.h"
#include "command_line.h"
#include "effective_config.h"
#include "existing/open_connections.h"
#include "library_location.h"
#include "log/logger.h"
#include "process_status.h"
#include "settings_report.h"
#include "sources/settings_sources.h"
#include "supervisor.h"
#include "target_inspection.h"
#include "usage.h"

extern char** environ;

namespace kashim::cli {
namespace {

// The statuses env(1) and timeout(1) use, so scripts can tell kashim's failures from PROGRAM's.
constexpr int kExitUsage = 2;
constexpr int kExitFailure = 125;
constexpr int kExitCannotRun = 126;
constexpr int kExitNotFound = 127;

void say(const std::string& line) { std::fprintf(stderr, "kashim: %s\n", line.c_str()); }

int usage_error(const std::string& line) {
    say(line);
    std::fputs("Try 'kashim --help' for more information.\n", stderr);
    return kExitUsage;
}

int run_status(const Invocation& invocation) {
    const std::string& library_file = built_layout().file_name;
    std::vector<int> pids = invocation.pids.empty() ? processes_using(library_file) : invocation.pids;
    if (pids.empty()) {
        std::printf("no running process has %s loaded\n", library_file.c_str());
        return 1;
    }
    long ticks_per_second = sysconf(_SC_CLK_TCK);
    int exit_status = 0;
    for (int pid : pids) {
        ProcessStatus status = examine_process(pid, invocation.passive, library_file);
        status.attached_group = attached_group_of(pid);
        if (!status.problem.empty()) exit_status = 1;
        std::fputs(format_status(status, ticks_per_second).c_str(), stdout);
    }
    return exit_status;
}

// A config file named on the command line is checked now, like every other value ("" names none).
std::string config_option_problem(const Invocation& invocation) {
    for (const SettingAssignment& setting : invocation.settings)
        if (setting.option->id == SettingId::ConfigFile && !setting.value.empty())
            if (std::string problem = config_file_problem(setting.value); !problem.empty()) return problem;
    return {};
}

std::vector<char*> argv_of(const std::vector<std::string>& program) {
    std::vector<char*> arguments;
    for (const std::string& argument : program) arguments.push_back(const_cast<char*>(argument.c_str()));
    arguments.push_back(nullptr);
    return arguments;
}

// The process's own name, which prog= rules match, as /proc/PID/comm gives it.
std::string process_name(int pid) {
    std::ifstream comm("/proc/" + std::to_string(pid) + "/comm");
    std::string name;
    std::getline(comm, name);
    return name;
}

// `kashim apply [SETTINGS] PID...`: the connections each process has open now get the settings,
// as if kashim had seen them made. One line per socket; a process it cannot reach gets one line
// and makes the exit status 1.
int run_apply(const Invocation& invocation) {
    Environment settings = child_environment(Environment(environ), invocation.settings, std::nullopt);
    KernelKeepalive kernel = read_kernel_keepalive();
    int exit_status = 0;
    for (int pid : invocation.pids) {
        Config config;
        LoadReport problems;
        load_effective_config(config, settings, process_name(pid), problems);
        for (size_t i = 0; i < problems.count(); ++i) std::fprintf(stderr, "%s\n", std::string(problems.text(i)).c_str());
        if (!config.enabled) {
            say("apply: disabled (KA_ENABLE); nothing done");
            return 0;
        }
        PlanSet plans = build_plans(config, kernel);
        OpenConnectionsResult result = configure_open_connections(
            pid, config, plans, kernel, [](const std::string& line) { std::printf("%s\n", line.c_str()); });
        if (!result.problem.empty()) {
            say("apply: process " + std::to_string(pid) + ": " + result.problem);
            exit_status = 1;
        } else if (result.configured == 0) {
            std::printf("pid %d: no TCP connection to configure\n", pid);
        }
    }
    std::fflush(stdout);
    return exit_status;
}

// Becomes the program; returns only when it cannot be run.
int exec_program(const Invocation& invocation, std::vector<char*>& arguments, std::vector<char*>& environment) {
    // execvpe searches our own PATH, which the child shares: kashim never changes it.
    execvpe(arguments[0], arguments.data(), environment.data());
    int error = errno;
    say(invocation.program[0] + ": " + std::strerror(error));
    return error == ENOENT ? kExitNotFound : kExitCannotRun;
}

// --seccomp: the supervisor applies the settings itself, so no library is preloaded, and static
// and Go programs are reached too.
int run_supervised_program(const Invocation& invocation) {
    if (std::string missing = seccomp_unsupported_reason(); !missing.empty()) {
        say("error: " + missing);
        return kExitFailure;
    }
    Environment child = child_environment(Environment(environ), invocation.settings, std::nullopt);
    Config config;
    LoadReport problems;
    load_effective_config(config, child, program_short_name(invocation.program[0]), problems);
    // Its lines go where the shim's would: the log file when one is set, at the same levels.
    open_log(config, problems);
    KernelKeepalive kernel = read_kernel_keepalive();
    log_settings_loaded(problems, config, kernel);
    std::vector<char*> environment = child.pointers();
    std::vector<char*> arguments = argv_of(invocation.program);
    // Disabled means the program runs exactly as it would bare: no filter, no supervisor.
    if (!config.enabled) return exec_program(invocation, arguments, environment);
    environ = environment.data();  // the program inherits it through execvp
    return run_supervised(arguments.data(), config, kernel);
}

int run_program(const Invocation& invocation) {
    if (std::string problem = config_option_problem(invocation); !problem.empty()) return usage_error(problem);
    if (invocation.supervision == Supervision::Always) return run_supervised_program(invocation);
    if (invocation.cgroup) return run_in_new_group(invocation);
    LibrarySearch library = locate_own_library();
    if (!library.path) {
        say(describe_failure(library));
        return kExitFailure;
    }
    Environment parent(environ);
    Environment child = child_environment(parent, invocation.settings, *library.path);

    std::optional<Inspection> inspection;
    if (!invocation.program.empty()) inspection = inspect_program(invocation.program[0]);
    // Static and Go programs go to the supervisor unless told otherwise, and when it can run here.
    bool supervised = invocation.supervision == Supervision::Automatic && inspection &&
                      supervisor_reaches(*inspection) && seccomp_unsupported_reason().empty();
    if (supervised && invocation.command == Command::Run) return run_supervised_program(invocation);
    bool unreachable = inspection && !inspection->barriers.empty() && !supervised;
    if (unreachable && invocation.strict) {
        say("error: " + describe_barriers(*inspection));
        return kExitFailure;
    }

    if (invocation.command == Command::Print) {
        std::optional<std::string> program;
        if (!invocation.program.empty()) program = invocation.program[0];
        ReportInput input{parent,  child,   invocation.settings, library, read_kernel_keepalive(),
                          program, inspection, supervised};
        std::fputs(settings_report(input).c_str(), stdout);  // its "program" line says it
        return 0;
    }
    if (unreachable) say("warning: " + describe_barriers(*inspection));

    std::vector<char*> arguments = argv_of(invocation.program);
    std::vector<char*> environment = child.pointers();
    return exec_program(invocation, arguments, environment);
}

int run(int argc, char** argv) {
    std::vector<std::string_view> args(argv + 1, argv + argc);
    ParseOutcome parsed = parse_command_line(args);
    if (!parsed.error.empty()) return usage_error(parsed.error);
    const Invocation& invocation = parsed.invocation;
    switch (invocation.command) {
        case Command::Help:
            std::fputs(help_text().c_str(), stdout);
            return 0;
        case Command::Version:
            std::fputs(version_text().c_str(), stdout);
            return 0;
        case Command::Status:
            return run_status(invocation);
        case Command::Check: {
            CheckReport report = check_config_file(invocation.config_file);
            std::fputs(report.text.c_str(), stdout);
            return report.clean ? 0 : 1;
        }
        case Command::Apply:
            return run_apply(invocation);
        case Command::Attach:
            return run_attach(invocation);
        case Command::Detach:
            return run_detach(invocation);
        case Command::Attached:
            return run_attached();
        case Command::Run:
        case Command::Print:
            return run_program(invocation);
    }
    return kExitFailure;
}

}  // namespace
}  // namespace kashim::cli

int main(int argc, char** argv) { return kashim::cli::run(argc, argv); }
