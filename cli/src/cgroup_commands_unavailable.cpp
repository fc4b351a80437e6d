// This kashim was built without the cgroup engine (no clang, bpftool or libbpf at build time).
#include <cstdio>

#include "cgroup_commands.h"

namespace kashim::cli {
namespace {

int unavailable() {
    std::fprintf(stderr, "kashim: %s\n", KASHIM_CGROUP_UNAVAILABLE);
    return 125;
}

}  // namespace

int run_attach(const Invocation&) { return unavailable(); }
int run_detach(const Invocation&) { return unavailable(); }
int run_attached() { return unavailable(); }
int run_in_new_group(const Invocation&) { return unavailable(); }
std::string attached_group_of(int) { return {}; }

}  // namespace kashim::cli
