// GROUP | --unit NAME | --pid PID: how attach and detach name the cgroup v2 group they act on.
#pragma once

#include <string>
#include <string_view>

#include "command_line.h"

namespace kashim::cli {

struct GroupChoice {
    std::string path;  // under the cgroup2 mount, the kernel's name for the group, or relative
    std::string unit;  // NAME.service and the like
    int pid = 0;       // a process whose group it is
};

// The lines of a command's --help that say how to name the group.
constexpr std::string_view kGroupArgumentHelp =
    "  GROUP           a cgroup v2 group: its directory, its name as in /proc/PID/cgroup, or a path under the mount\n"
    "  --unit NAME     the group of a systemd unit, instead of GROUP\n"
    "  --pid PID       the group of a process, instead of GROUP\n";

// Reads the group from a command's arguments, one at a time, into `group`.
class GroupArgument {
public:
    GroupArgument(std::string_view command, GroupChoice& group) : command_(command), group_(group) {}

    // True when `arg` names the group (--unit NAME, --pid PID or a directory), which it then
    // takes; `error` is set when its value is missing or bad.
    bool take(std::string_view arg, Cursor& cursor, std::string& error);

    // After the last argument: false, with `error` set, unless exactly one group was named.
    bool named_once(std::string& error) const;

private:
    std::string_view command_;  // for the messages: "attach", "detach"
    GroupChoice& group_;
    int times_named_ = 0;
};

}  // namespace kashim::cli
