#include "group_settings.h"

#include "bpf_settings_from_core.h"
#include "cgroup_attachment.h"
#include "child_environment.h"
#include "effective_config.h"
#include "log/logger.h"
#include "sources/settings_sources.h"

extern char** environ;

namespace kashim::cli {

GroupSettings load_group_settings(const std::vector<SettingAssignment>& from_command_line) {
    GroupSettings settings;
    Environment environment = child_environment(Environment(environ), from_command_line, std::nullopt);
    LoadReport problems;
    load_group_config(settings.config, environment, problems);
    settings.kernel = read_kernel_keepalive();
    settings.plans = build_plans(settings.config, settings.kernel);
    open_log(settings.config, problems);
    log_settings_loaded(problems, settings.config, settings.kernel);
    return settings;
}

std::string describe(const GroupSettings& settings) {
    MessageText line;
    describe_active(settings.config, settings.kernel, line);
    return std::string(line.view());
}

Prepared prepare(const GroupSettings& settings, const GroupTarget& target) {
    Prepared prepared;
    prepared.settings = settings;
    if ((prepared.problem = cgroup_engine_unavailable()).size() != 0) return prepared;
    prepared.mount = cgroup2_mount(prepared.problem);
    if (prepared.mount.empty()) return prepared;
    prepared.directory = resolve_group(target, prepared.mount, prepared.problem);
    if (prepared.directory.empty()) return prepared;
    prepared.problem = bpf_settings_from_core(prepared.settings.config, prepared.settings.plans,
                                              group_name(prepared.directory, prepared.mount), prepared.bpf);
    return prepared;
}

}  // namespace kashim::cli
