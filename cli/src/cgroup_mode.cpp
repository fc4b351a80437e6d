#include "cgroup_mode.h"

#include <signal.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <algorithm>
#include <cstring>
#include <ctime>
#include <fstream>
#include <vector>

#include "bpf_settings_from_core.h"
#include "cgroup_attachment.h"
#include "cgroup_location.h"
#include "child_environment.h"
#include "diagnostics.h"
#include "effective_config.h"
#include "existing/open_connections.h"
#include "group_runner.h"
#include "group_settings.h"
#include "log/logger.h"
#include "program_exec.h"
#include "sources/settings_sources.h"
#include "stats_report.h"

extern char** environ;

namespace kashim::cli {
namespace {

// The connections the group's processes already have get the settings, and the programs learn
// they are configured.
void configure_existing(const std::string& directory, const GroupSettings& settings, const ConfiguredSocket& mark) {
    for (pid_t pid : processes_in_group(directory)) {
        if (pid == getpid()) continue;
        OpenConnectionsResult result = configure_open_connections(
            pid, settings.config, settings.plans, settings.kernel,
            [](const std::string& line) { std::printf("%s\n", line.c_str()); }, mark);
        if (!result.problem.empty()) say("process " + std::to_string(pid) + ": " + result.problem);
    }
}

GroupTarget target_of(const GroupChoice& group) { return {group.path, group.unit, group.pid}; }

// The options a plan sets, by their printable names, in the decision table's order.
std::vector<std::pair<std::string, int>> options_set(const kashim_bpf_plan& plan) {
    std::vector<std::pair<std::string, int>> options;
    for (int i = 0; i < KASHIM_BPF_OPTIONS; ++i)
        if (plan.set & KASHIM_OPTION_BIT(i)) options.emplace_back(kashim_option_printable_name(i), plan.value[i]);
    return options;
}

GroupStats stats_of(const AttachedGroup& attached) {
    const kashim_bpf_settings& settings = attached.settings;
    GroupStats stats;
    stats.group = std::string(settings.group, strnlen(settings.group, sizeof settings.group));
    stats.pins = attached.pins;
    stats.live = attached.live;
    stats.policy = std::string(policy_name(static_cast<Policy>(settings.policy)));
    stats.settings = options_set(settings.global);
    stats.rules = settings.rule_count;
    stats.counted = attached.counts.read;
    stats.counting_since = settings.counting_since;
    stats.configured = attached.counts.configured;
    for (int reason = 1; reason <= KASHIM_DEAD_PEER_REASONS; ++reason)
        stats.dead_peers[reason] = attached.counts.dead_peers[reason];
    return stats;
}

// The figures of the live attachments, of the groups `named` (the kernel's names) when any is;
// the named ones kashim is not attached to go to `not_attached`. A problem when it cannot look.
std::string collect_stats(const std::vector<std::string>& named, std::vector<GroupStats>& stats,
                          std::vector<std::string>& not_attached) {
    AttachedGroups attached = list_attached();
    if (!attached.problem.empty()) return attached.problem;
    for (const AttachedGroup& group : attached.groups)
        if (group.live) stats.push_back(stats_of(group));
    if (named.empty()) return {};
    std::vector<GroupStats> chosen;
    for (const std::string& name : named) {
        auto found = std::find_if(stats.begin(), stats.end(), [&](const GroupStats& s) { return s.group == name; });
        if (found == stats.end()) not_attached.push_back(name);
        else if (std::none_of(chosen.begin(), chosen.end(), [&](const GroupStats& s) { return s.group == name; }))
            chosen.push_back(*found);
    }
    stats = std::move(chosen);
    return {};
}

}  // namespace

int attach_to_group(const AttachOptions& options) {
    Prepared prepared = prepare(load_group_settings(options.settings), target_of(options.group));
    if (!prepared.problem.empty()) return fail("attach: " + prepared.problem);
    if (!prepared.settings.config.enabled) return fail("attach: KA_ENABLE is off; nothing to attach");
    AttachRequest request{prepared.directory, prepared.bpf};
    std::string group = group_name(prepared.directory, prepared.mount);
    if (options.foreground) {
        // Taken synchronously, blocked from here on: one that arrives early waits its turn.
        sigset_t stop;
        sigemptyset(&stop);
        sigaddset(&stop, SIGTERM);
        sigaddset(&stop, SIGINT);
        sigprocmask(SIG_BLOCK, &stop, nullptr);
        std::string problem;
        std::unique_ptr<HeldAttachment> held = attach_held(request, HeldPins::kPinned, problem);
        if (!held) return fail("attach: " + problem);
        std::printf("attached to %s until kashim ends: %s\n", group.c_str(), describe(prepared.settings).c_str());
        if (options.existing)
            configure_existing(prepared.directory, prepared.settings,
                               [&held](int socket, bool configured, int rule, uint8_t pinned) {
                                   std::string unmarked = held->mark(socket, configured, rule, pinned);
                                   if (!unmarked.empty()) say(unmarked);
                               });
        std::fflush(stdout);
        while (sigwaitinfo(&stop, nullptr) < 0) continue;
        held.reset();
        std::printf("detached from %s\n", group.c_str());
        return 0;
    }
    AttachOutcome outcome = attach_pinned(request);
    if (!outcome.problem.empty()) return fail("attach: " + outcome.problem);
    std::printf("%s %s: %s\n", outcome.replaced ? "settings replaced on" : "attached to", group.c_str(),
                describe(prepared.settings).c_str());
    if (outcome.leftovers_cleared > 0)
        std::printf("removed what was left of %d attachment%s whose group is gone\n", outcome.leftovers_cleared,
                    outcome.leftovers_cleared == 1 ? "" : "s");
    if (options.existing)
        configure_existing(prepared.directory, prepared.settings,
                           [&](int socket, bool configured, int rule, uint8_t pinned) {
                               std::string problem =
                                   mark_pinned(prepared.directory, socket, configured, rule, pinned);
                               if (!problem.empty()) say(problem);
                           });
    return 0;
}

int detach_from_group(const DetachOptions& options) {
    std::string problem;
    std::string mount = cgroup2_mount(problem);
    if (mount.empty()) return fail("detach: " + problem);
    std::string directory = resolve_group(target_of(options.group), mount, problem);
    if (directory.empty()) return fail("detach: " + problem);
    std::string group = group_name(directory, mount);
    DetachOutcome outcome = detach_pinned(directory, group);
    if (!outcome.problem.empty()) return fail("detach: " + outcome.problem);
    if (outcome.was_leftover)
        std::printf("detached from %s (its attachment had already ended when the group was removed; what was left "
                    "of it is removed)\n", group.c_str());
    else
        std::printf("detached from %s\n", group.c_str());
    return 0;
}

int list_attached_groups(const AttachedOptions&) {
    AttachedGroups attached = list_attached();
    if (!attached.problem.empty()) return fail("attached: " + attached.problem);
    const std::vector<AttachedGroup>& groups = attached.groups;
    if (groups.empty()) {
        std::printf("kashim is attached to no group\n");
        return 1;
    }
    int live = 0;
    for (const AttachedGroup& group : groups) {
        const kashim_bpf_settings& s = group.settings;
        std::string plan;
        for (const auto& [option, value] : options_set(s.global))
            plan += " " + option + "=" + std::to_string(value);
        if (!group.live) {
            std::printf("%s: gone (the group was removed, and its attachment with it; kashim attach or detach "
                        "clears what is left in %s)\n", s.group, group.pins.c_str());
            continue;
        }
        std::string policy(policy_name(static_cast<Policy>(s.policy)));
        std::printf("%s: policy %s, sets%s; %u rules (pinned in %s)\n", s.group, policy.c_str(), plan.c_str(),
                    s.rule_count, group.pins.c_str());
        ++live;
    }
    return live > 0 ? 0 : 1;
}

int show_stats(const StatsOptions& options) {
    std::vector<std::string> named;
    if (!options.groups.empty()) {
        std::string problem;
        std::string mount = cgroup2_mount(problem);
        if (mount.empty()) return fail("stats: " + problem);
        for (const GroupChoice& group : options.groups) {
            std::string directory = resolve_group(target_of(group), mount, problem);
            if (directory.empty()) return fail("stats: " + problem);
            named.push_back(group_name(directory, mount));
        }
    }
    std::vector<GroupStats> stats;
    std::vector<std::string> not_attached;
    std::string problem = collect_stats(named, stats, not_attached);
    if (!problem.empty()) return fail("stats: " + problem);
    if (options.listen)
        // Each scrape reads the counters anew; a group attached later shows from then on.
        return serve_metrics_until_signalled(options.address, [named] {
            std::vector<GroupStats> scraped;
            std::vector<std::string> absent;  // attached later, perhaps
            std::string unread = collect_stats(named, scraped, absent);
            return unread.empty() ? MetricsPage{true, render_prometheus(scraped)} : MetricsPage{false, unread};
        });
    for (const std::string& group : not_attached) say("stats: kashim is not attached to " + group);
    switch (options.format) {
        case StatsFormat::json: std::fputs(render_json(stats).c_str(), stdout); break;
        case StatsFormat::prometheus: std::fputs(render_prometheus(stats).c_str(), stdout); break;
        case StatsFormat::table:
            if (!stats.empty()) std::fputs(render_table(stats, std::time(nullptr)).c_str(), stdout);
            else if (named.empty()) std::printf("kashim is attached to no group\n");
    }
    return stats.empty() || !not_attached.empty() ? 1 : 0;
}

std::string attached_group_of(int pid) {
    std::ifstream cgroups("/proc/" + std::to_string(pid) + "/cgroup");
    std::string line, own;
    while (std::getline(cgroups, line))
        if (line.rfind("0::", 0) == 0) own = line.substr(3);
    if (own.empty()) return {};
    for (const AttachedGroup& group : list_attached().groups) {
        if (!group.live) continue;
        std::string attached = group.settings.group;
        if (attached == "/" || own == attached || own.rfind(attached + "/", 0) == 0) return attached;
    }
    return {};
}

int run_in_new_group(const std::vector<SettingAssignment>& from_command_line, const std::vector<std::string>& program) {
    // Disabled means the program runs exactly as it would bare: no group, no BPF.
    GroupSettings settings = load_group_settings(from_command_line);
    if (!settings.config.enabled) return exec_program(program, environ);
    std::string problem;
    std::string mount = cgroup2_mount(problem);
    if (mount.empty()) return fail(problem);
    // A child of kashim's own group, so the program stays where kashim was placed.
    std::string own = resolve_group({"", "", getpid()}, mount, problem);
    if (own.empty()) return fail(problem);
    Prepared prepared = prepare(settings, {own, "", 0});
    if (!prepared.problem.empty()) return fail(prepared.problem);
    std::vector<char*> arguments = argv_of(program);
    int status = kashim::run_in_new_group(own, mount, prepared.bpf, arguments.data(), environ, problem);
    if (!problem.empty()) say(problem);
    return status;
}

}  // namespace kashim::cli
