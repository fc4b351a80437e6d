// `kashim --cgroup`: PROGRAM in a group of its own, the settings attached to it for as long as
// anything runs there. kashim becomes the program (runner/in_place.h); a detached helper holds the
// attachment and removes the group once the program and every descendant it left have ended.
#pragma once

#include <string>

#include "bpf_settings.h"

namespace kashim {

// Makes the group kashim-PID below `parent` (a directory under the cgroup2 `mount`), attaches
// `settings` to it (their group path is filled in here), moves this process into it and becomes
// argv[0] with `environment`. Returns only when that fails: kExitFailure with `problem` saying
// why (nothing is left behind), or what exec_in_place returns (it has said why).
int run_in_new_group(const std::string& parent, const std::string& mount, kashim_bpf_settings settings,
                     char* const argv[], char* const environment[], std::string& problem);

}  // namespace kashim
