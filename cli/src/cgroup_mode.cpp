#include "cgroup_mode.h"

#include <signal.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
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
        std::unique_ptr<HeldAttachment> held = attach_held(request, problem);
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
        for (int i = 0; i < KASHIM_BPF_OPTIONS; ++i)
            if (s.global.set & KASHIM_OPTION_BIT(i))
                plan += std::string(" ") + kashim_option_printable_name(i) + "=" + std::to_string(s.global.value[i]);
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
