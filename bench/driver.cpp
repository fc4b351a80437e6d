#include "driver.h"

#include <gnu/libc-version.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <fstream>
#include <sstream>
#include <string_view>

#include "harness/child_process.h"
#include "report.h"

extern char** environ;

namespace kashim_bench {
namespace {

std::string basename_of(const std::string& path) { return path.substr(path.find_last_of('/') + 1); }

// Runs argv[0] with exactly `environment` (its stderr going to ours) and returns what it wrote to
// stdout. Exits this process when the program cannot start or does not exit with 0.
std::string run_captured(const std::vector<std::string>& argv, const std::vector<std::string>& environment) {
    std::string command;
    for (const std::string& arg : argv) command += (command.empty() ? "" : " ") + arg;
    try {
        harness::ChildProcess child({argv, environment, -1, harness::Stderr::Inherited});
        std::optional<harness::ChildExit> exit = child.wait_until(harness::Clock::time_point::max());
        if (exit && exit->success()) return child.output();
        std::fprintf(stderr, "kashim_bench: '%s' failed (%s)\n", command.c_str(),
                     exit ? exit->describe().c_str() : "no exit");
    } catch (const std::system_error& error) {
        std::fprintf(stderr, "kashim_bench: '%s': %s\n", command.c_str(), error.what());
    }
    std::exit(2);
}

// A command engine's row (--seccomp, --cgroup) is left out, with a line saying so, where it cannot
// run here (the kernel, or cgroup mode without root).
bool engine_runs_here(const std::string& command, const std::string& flag) {
    if (command.empty()) return false;
    if (std::system(("'" + command + "' " + flag + " -- /bin/true >/dev/null 2>&1").c_str()) == 0) return true;
    std::printf("kashim %s cannot run here; its row is left out\n", flag.c_str());
    return false;
}

// The worker's command line under `variant`: its launcher, if any, then `argv`.
std::vector<std::string> launched(const Variant& variant, std::vector<std::string> argv) {
    argv.insert(argv.begin(), variant.launcher.begin(), variant.launcher.end());
    return argv;
}

std::vector<Variant> variants_for(const Options& options) {
    const std::vector<std::string> keepalive = {"KA_IDLE=30", "KA_INTVL=10", "KA_CNT=3"};
    std::vector<std::string> keepalive_and_user_timeout = keepalive;
    keepalive_and_user_timeout.push_back("KA_USER_TIMEOUT=60s");
    // Three outgoing-only rules, none of which matches the loopback connections: every rule is
    // tried and the global settings apply, while listeners are still configured once at listen().
    std::vector<std::string> keepalive_and_rules = keepalive;
    keepalive_and_rules.push_back(
        "KA_RULES=dir=out addr=10.0.0.0/8 idle=60; dir=out port=5432 cnt=5; dir=out addr=2001:db8::/32 off");
    using Kind = Variant::Kind;
    // Calls issued: SO_KEEPALIVE and one per option set; with rules, at connect(), not at socket().
    std::vector<Variant> variants = {
        {Kind::Bare, "bare", "", {}, 0, 0},
        {Kind::Kashim, "KA_ENABLE=0", options.shim, {"KA_ENABLE=0"}, 0, 0},
        // What every process of a machine with kashim in /etc/ld.so.preload runs as: the config
        // file's settings (here, with none, the defaults: SO_KEEPALIVE alone), read at the first socket.
        {Kind::Kashim, "nothing in the environment", options.shim, {}, 1, 1},
        {Kind::Kashim, "idle/intvl/cnt", options.shim, keepalive, 4, 4},
        {Kind::Kashim, "idle/intvl/cnt/user timeout", options.shim, keepalive_and_user_timeout, 5, 5},
        {Kind::Kashim, "idle/intvl/cnt + 3 rules", options.shim, keepalive_and_rules, 0, 4},
        {Kind::EmptyPreload, "empty preload (reference)", KASHIM_BENCH_EMPTY_PRELOAD, {}, 0, 0},
    };
    if (!options.compare.empty())
        variants.push_back({Kind::OtherLibrary, "compare: " + basename_of(options.compare), options.compare, {}, 0, 0});
    for (const char* flag : {"--seccomp", "--cgroup"})
        if (engine_runs_here(options.command, flag))
            variants.push_back({Kind::CommandEngine, std::string("kashim ") + flag + ", idle/intvl/cnt", "", keepalive, 0,
                                4, {options.command, flag, "--"}});
    return variants;
}

bool starts_with(std::string_view text, std::string_view prefix) { return text.substr(0, prefix.size()) == prefix; }

// The caller's environment with the variant's preload and settings. kashim's variants get only
// their own KA_* settings; another library gets the caller's environment as it is, so its own
// settings (whatever their names) reach it.
std::vector<std::string> environment_for(const Variant& variant) {
    std::vector<std::string> environment;
    for (char** entry = environ; *entry != nullptr; ++entry) {
        std::string_view text(*entry);
        if (starts_with(text, "LD_PRELOAD=")) continue;
        if (variant.kind != Variant::Kind::OtherLibrary && starts_with(text, "KA_")) continue;
        environment.emplace_back(text);
    }
    if (!variant.preload.empty()) environment.push_back("LD_PRELOAD=" + variant.preload);
    environment.insert(environment.end(), variant.settings.begin(), variant.settings.end());
    return environment;
}

std::vector<std::string> lines_of(const std::string& text) {
    std::vector<std::string> lines;
    std::istringstream stream(text);
    for (std::string line; std::getline(stream, line);) lines.push_back(line);
    return lines;
}

std::vector<std::string> loaded_objects(const Variant& variant) {
    return lines_of(run_captured(launched(variant, {trivial_program_path(), "--print-loaded-objects"}),
                                 environment_for(variant)));
}

std::vector<std::string> objects_beyond(const std::vector<std::string>& objects, const std::vector<std::string>& bare) {
    std::vector<std::string> extra;
    for (const std::string& object : objects)
        if (std::find(bare.begin(), bare.end(), object) == bare.end()) extra.push_back(object);
    return extra;
}

std::string self_path() {
    char path[4096];
    ssize_t length = checked(readlink("/proc/self/exe", path, sizeof path - 1), "readlink /proc/self/exe");
    return std::string(path, static_cast<size_t>(length));
}

double run_worker_process(const std::string& self, const ScenarioInfo& scenario, const Variant& variant,
                          const WorkerTiming& timing) {
    std::string output = run_captured(
        launched(variant, {self, "--worker", std::string(scenario.id), "--warmup-ms", std::to_string(timing.warmup_ms),
                           "--batch-ms", std::to_string(timing.batch_ms), "--batches", std::to_string(timing.batches)}),
        environment_for(variant));
    double ns_per_operation = 0;
    int keepalive = -1;
    if (std::sscanf(output.c_str(), "%lf %d", &ns_per_operation, &keepalive) != 2) {
        std::fprintf(stderr, "kashim_bench: worker said '%s'\n", output.c_str());
        std::exit(2);
    }
    // A preload that silently did not load would make every row look free.
    bool keepalive_expected = (variant.kind == Variant::Kind::Kashim || variant.kind == Variant::Kind::CommandEngine) &&
                              variant.setsockopts_per_connection > 0;
    if (variant.kind != Variant::Kind::OtherLibrary && keepalive != static_cast<int>(keepalive_expected)) {
        std::fprintf(stderr, "kashim_bench: under '%s' an outgoing connection has SO_KEEPALIVE=%d, expected %d\n",
                     variant.label.c_str(), keepalive, static_cast<int>(keepalive_expected));
        std::exit(2);
    }
    return ns_per_operation;
}

std::string first_cpuinfo_value(const std::string& key) {
    std::ifstream cpuinfo("/proc/cpuinfo");
    for (std::string line; std::getline(cpuinfo, line);)
        if (starts_with(line, key)) return line.substr(line.find(':') + 2);
    return "";
}

std::string load_average() {
    double load[3];
    if (getloadavg(load, 3) != 3) return "unknown";
    char text[64];
    std::snprintf(text, sizeof text, "%.2f %.2f %.2f", load[0], load[1], load[2]);
    return text;
}

void print_machine() {
    char date[64];
    std::time_t now = std::time(nullptr);
    std::strftime(date, sizeof date, "%Y-%m-%d %H:%M:%S %Z", std::localtime(&now));
    utsname system{};
    uname(&system);
    bool virtual_machine = first_cpuinfo_value("flags").find(" hypervisor") != std::string::npos;
    std::printf("kashim benchmark, %s\n", date);
    std::printf("machine: %s%s, %ld CPUs online, Linux %s, glibc %s\n", first_cpuinfo_value("model name").c_str(),
                virtual_machine ? " (virtual machine)" : "", sysconf(_SC_NPROCESSORS_ONLN), system.release,
                gnu_get_libc_version());
}

}  // namespace

int run_driver(const Options& options) {
    auto started = std::chrono::steady_clock::now();
    print_machine();
    std::printf("shim: %s\n", options.shim.c_str());
    std::printf("load average at start: %s\n", load_average().c_str());
    std::printf(
        "method: every run a process of its own: %g ms warm-up, then the fastest of %d batches of %g ms (a batch "
        "that lost the CPU to someone else's build only ever gets slower); %d round%s, the variants interleaved "
        "in an order that rotates each round; medians over the rounds; 'vs bare' and 'extra' pair each run with "
        "the bare run of the same round\n",
        options.timing.warmup_ms, options.timing.batches, options.timing.batch_ms, options.rounds,
        options.rounds == 1 ? "" : "s");
    if (options.smoke) std::printf("SMOKE RUN: far too short for the numbers to mean anything\n");
    std::fflush(stdout);

    Results results;
    results.scenarios = options.scenarios;
    results.variants = variants_for(options);
    results.shim = options.shim;
    const size_t variant_count = results.variants.size();

    std::vector<std::string> bare_objects = loaded_objects(results.variants[0]);
    for (const Variant& variant : results.variants)
        results.extra_objects.push_back(objects_beyond(loaded_objects(variant), bare_objects));

    results.ns_per_operation.assign(results.scenarios.size(),
                                    std::vector<std::vector<double>>(variant_count, std::vector<double>(options.rounds)));
    const std::string self = self_path();
    for (int round = 0; round < options.rounds; ++round) {
        std::fprintf(stderr, "kashim_bench: round %d of %d\n", round + 1, options.rounds);
        for (size_t scenario = 0; scenario < results.scenarios.size(); ++scenario) {
            for (size_t step = 0; step < variant_count; ++step) {
                size_t variant = (step + static_cast<size_t>(round)) % variant_count;
                results.ns_per_operation[scenario][variant][static_cast<size_t>(round)] = run_worker_process(
                    self, *results.scenarios[scenario], results.variants[variant], options.timing);
            }
        }
    }

    std::printf("load average at end: %s\n\n", load_average().c_str());
    print_table(results);
    bool objects_ok = print_loaded_objects(results);
    if (!options.smoke) {
        print_targets(results);
        print_noise(results);
    }
    auto seconds = std::chrono::duration_cast<std::chrono::seconds>(std::chrono::steady_clock::now() - started).count();
    std::printf("\ntook %lld min %02lld s\n", static_cast<long long>(seconds / 60), static_cast<long long>(seconds % 60));
    // Timings vary from run to run and are reported, never failed on; what the shim loads does not.
    return objects_ok ? 0 : 1;
}

}  // namespace kashim_bench
