#include "commands/apply.h"

#include <cstdio>
#include <fstream>
#include <string>

#include "child_environment.h"
#include "diagnostics.h"
#include "effective_config.h"
#include "existing/open_connections.h"
#include "sources/settings_sources.h"

extern char** environ;

namespace kashim::cli {

Parsed<ApplyOptions> parse_apply_options(const Arguments& args) {
    Parsed<ApplyOptions> parsed;
    ApplyOptions& options = parsed.options;
    bool every_one_taken = read_arguments(args, parsed, [&](std::string_view arg, Cursor& cursor) {
        if (is_option(arg)) return take_setting(arg, cursor, options.settings, parsed.error);
        return take_process_id(arg, "apply", options.pids, parsed.error);
    });
    if (every_one_taken && options.pids.empty())
        parsed.error = "apply: no process given; usage: kashim apply [OPTIONS] PID...";
    return parsed;
}

namespace {

std::string apply_help() {
    return subcommand_help(
        kApplyCommand,
        {"Gives the TCP connections each PID has open now the settings, as if kashim had\n"
         "seen them made: listeners, accepted and outgoing connections, one line per\n"
         "socket. Values the program already set count as its own under the policy.\n"
         "Needs root, or the same user where ptrace is allowed.\n",
         "", "0; 1 when a process could not be reached; 2 usage error.", "APPLY",
         true});
}

// The process's own name, which prog= rules match, as /proc/PID/comm gives it.
std::string process_name(int pid) {
    std::ifstream comm("/proc/" + std::to_string(pid) + "/comm");
    std::string name;
    std::getline(comm, name);
    return name;
}

// One line per socket; a process it cannot reach gets one line and makes the exit status 1.
int apply_settings(const ApplyOptions& options) {
    Environment settings = child_environment(Environment(environ), options.settings, std::nullopt);
    KernelKeepalive kernel = read_kernel_keepalive();
    int exit_status = 0;
    for (int pid : options.pids) {
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

}  // namespace

const Subcommand kApplyCommand{
    "apply", "apply [SETTINGS] PID...", "give the settings to the connections running processes have open",
    [](const Arguments& args) { return answer(parse_apply_options(args), apply_help, apply_settings); }};

}  // namespace kashim::cli
