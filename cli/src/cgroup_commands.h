// The cgroup engine's commands: `kashim attach`, `detach`, `attached`, and `kashim --cgroup --
// PROGRAM`. Built with or without the engine (cgroup_commands_unavailable.cpp says why not).
#pragma once

#include "command_line.h"

namespace kashim::cli {

int run_attach(const Invocation& invocation);
int run_detach(const Invocation& invocation);
int run_attached();
// Runs the program in a new group of its own, attached, and removes the group at its end.
int run_in_new_group(const Invocation& invocation);

// The group kashim is attached to that holds process `pid` (its own or an ancestor), or empty.
std::string attached_group_of(int pid);

}  // namespace kashim::cli
