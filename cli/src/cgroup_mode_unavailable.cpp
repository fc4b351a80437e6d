// This kashim was built without the cgroup engine (no clang, bpftool or libbpf at build time).
#include "cgroup_mode.h"
#include "diagnostics.h"

namespace kashim::cli {
namespace {

int unavailable() { return fail(KASHIM_CGROUP_UNAVAILABLE); }

}  // namespace

int attach_to_group(const AttachOptions&) { return unavailable(); }
int detach_from_group(const DetachOptions&) { return unavailable(); }
int list_attached_groups(const AttachedOptions&) { return unavailable(); }
int show_stats(const StatsOptions&) { return unavailable(); }
int run_in_new_group(const std::vector<SettingAssignment>&, const std::vector<std::string>&) { return unavailable(); }
int run_drill(const DrillOptions&) { return unavailable(); }
std::string attached_group_of(int) { return {}; }

}  // namespace kashim::cli
