#include "commands/run.h"

#include <cstdio>
#include <optional>

#include "cgroup_mode.h"
#include "child_environment.h"
#include "commands/subcommands.h"
#include "diagnostics.h"
#include "effective_config.h"
#include "library_location.h"
#include "log/logger.h"
#include "program_exec.h"
#include "setting_options_help.h"
#include "settings_report.h"
#include "sources/settings_sources.h"
#include "supervisor.h"
#include "target_inspection.h"

extern char** environ;

namespace kashim::cli {

Parsed<RunOptions> parse_run_options(const Arguments& args) {
    Parsed<RunOptions> parsed;
    RunOptions& options = parsed.options;
    auto take = [&](std::string_view arg, Cursor& cursor) {
        if (arg == "--version") {
            options.version = true;
            return false;
        }
        if (arg == "--print" || arg == "-n") {
            options.print = true;
        } else if (arg == "--strict") {
            options.strict = true;
        } else if (arg == "--seccomp") {
            options.supervision = Supervision::Always;
        } else if (arg == "--no-seccomp") {
            options.supervision = Supervision::Never;
        } else if (arg == "--cgroup") {
            options.cgroup = true;
        } else {
            return take_setting(arg, cursor, options.settings, parsed.error);
        }
        return true;
    };
    if (!read_options_then_program(args, parsed, options.program, take)) return parsed;
    if (!options.print && options.program.empty())
        parsed.error = "no program given; usage: kashim [OPTIONS] [--] PROGRAM [ARGS...]";
    if (options.print && (options.supervision == Supervision::Always || options.cgroup))
        parsed.error = "--print shows the LD_PRELOAD way; --seccomp and --cgroup only run a program";
    if (options.cgroup && options.supervision != Supervision::Automatic)
        parsed.error = "--cgroup and --seccomp/--no-seccomp are different engines; choose one";
    return parsed;
}

namespace {

// A config file named on the command line is checked now, like every other value ("" names none).
std::string config_option_problem(const RunOptions& options) {
    for (const SettingAssignment& setting : options.settings)
        if (setting.option->id == SettingId::ConfigFile && !setting.value.empty())
            if (std::string problem = config_file_problem(setting.value); !problem.empty()) return problem;
    return {};
}

// --seccomp: the supervisor applies the settings itself, so no library is preloaded, and static
// and Go programs are reached too.
int run_supervised_program(const RunOptions& options) {
    if (std::string missing = seccomp_unsupported_reason(); !missing.empty()) return fail("error: " + missing);
    Environment child = child_environment(Environment(environ), options.settings, std::nullopt);
    Config config;
    LoadReport problems;
    load_effective_config(config, child, program_short_name(options.program[0]), problems);
    // Its lines go where the shim's would: the log file when one is set, at the same levels.
    open_log(config, problems);
    KernelKeepalive kernel = read_kernel_keepalive();
    log_settings_loaded(problems, config, kernel);
    std::vector<char*> environment = child.pointers();
    // Disabled means the program runs exactly as it would bare: no filter, no supervisor.
    if (!config.enabled) return exec_program(options.program, environment.data());
    std::vector<char*> arguments = argv_of(options.program);
    return run_supervised(arguments.data(), environment.data(), config, kernel);
}

int run_program(const RunOptions& options) {
    if (std::string problem = config_option_problem(options); !problem.empty()) return usage_error(problem);
    if (options.supervision == Supervision::Always) return run_supervised_program(options);
    if (options.cgroup) return run_in_new_group(options.settings, options.program);
    LibrarySearch library = locate_own_library();
    if (!library.path) return fail(describe_failure(library));
    Environment parent(environ);
    Environment child = child_environment(parent, options.settings, *library.path);

    std::optional<Inspection> inspection;
    if (!options.program.empty()) inspection = inspect_program(options.program[0]);
    // Static and Go programs go to the supervisor unless told otherwise, and when it can run here.
    bool supervised = options.supervision == Supervision::Automatic && inspection &&
                      supervisor_reaches(*inspection) && seccomp_unsupported_reason().empty();
    if (supervised && !options.print) return run_supervised_program(options);
    bool unreachable = inspection && !inspection->barriers.empty() && !supervised;
    if (unreachable && options.strict) return fail("error: " + describe_barriers(*inspection));

    if (options.print) {
        std::optional<std::string> program;
        if (!options.program.empty()) program = options.program[0];
        ReportInput input{parent,  child,      options.settings, library, read_kernel_keepalive(),
                          program, inspection, supervised};
        std::fputs(settings_report(input).c_str(), stdout);  // its "program" line says it
        return 0;
    }
    if (unreachable) say("warning: " + describe_barriers(*inspection));
    std::vector<char*> environment = child.pointers();
    return exec_program(options.program, environment.data());
}

int run_or_show_version(const RunOptions& options) {
    if (!options.version) return run_program(options);
    std::fputs("kashim " KASHIM_VERSION "\n", stdout);
    return 0;
}

// Each subcommand's usage line and summary come from the table, so a new one is listed here too.
std::string overview_help() {
    constexpr size_t kNameWidth = 12;
    std::string usage = "Usage: kashim [OPTIONS] [--] PROGRAM [ARGS...]\n"
                        "       kashim --print [OPTIONS] [[--] PROGRAM]\n";
    std::string commands;
    for (const Subcommand* subcommand : subcommands()) {
        usage += "       kashim " + std::string(subcommand->synopsis) + "\n";
        std::string name = "  " + std::string(subcommand->name);
        name.resize(kNameWidth, ' ');
        commands += name + std::string(subcommand->summary) + "\n";
    }
    return usage +
           "\n"
           "Runs PROGRAM with TCP keepalive on every TCP socket it opens, by putting\n"
           "libkashim.so in front of LD_PRELOAD. PROGRAM keeps kashim's pid, and its exit\n"
           "status and signals are its own.\n"
           "\n" +
           setting_options_help("Settings, each the variable named for PROGRAM") +
           "\n"
           "Other options:\n"
           "  -n, --print     show the effective settings and rules, the worst-case time to\n"
           "                  notice a dead peer, the LD_PRELOAD, and whether it reaches\n"
           "                  PROGRAM; run nothing\n"
           "  --strict        refuse a PROGRAM that LD_PRELOAD cannot reach (static, Go,\n"
           "                  setuid, setgid, file capabilities) instead of warning\n"
           "  --seccomp       run PROGRAM under kashim's seccomp supervisor instead of\n"
           "                  LD_PRELOAD (Linux 5.9+); the default for static and Go\n"
           "                  programs, which LD_PRELOAD cannot reach\n"
           "  --no-seccomp    never use the supervisor: such programs run untouched\n"
           "  --cgroup        run PROGRAM in a new cgroup v2 group with kashim's BPF\n"
           "                  programs attached (root, Linux 5.9+): reaches everything it\n"
           "                  runs, static, Go, setuid and io_uring alike; the group is\n"
           "                  removed at its end\n"
           "  -h, --help      show this help\n"
           "  --version       show the version\n"
           "\n"
           "Commands, each with its own --help:\n" +
           commands +
           "\n"
           "KASHIM_LIB names the library to preload (default: the one next to kashim).\n"
           "Exit status: PROGRAM's own; 2 usage error; 125 kashim failed or --strict\n"
           "refused; 126 PROGRAM cannot run; 127 PROGRAM not found.\n"
           "\n"
           "Examples:\n"
           "  kashim --detect 30s -- curl -O https://example.org/big.iso\n"
           "  kashim --idle 60 --intvl 10 --cnt 5 -- psql -h db.internal\n"
           "  kashim --rule 'port=5432 detect=20s' --rule 'port=22 off' -- ./worker\n"
           "  kashim --print --detect 30s -- ./server\n"
           "  kashim status 1234\n"
           "  kashim apply --detect 10s 1234\n"
           "  kashim attach --detect 30s --unit nginx.service\n"
           "\n"
           "See kashim(1) for rules, systemd, containers and limitations.\n";
}

}  // namespace

int run_command(const Arguments& args) { return answer(parse_run_options(args), overview_help, run_or_show_version); }

}  // namespace kashim::cli
