// Where a cgroup v2 group is: the cgroup2 mount (from /proc/self/mounts: on hybrid hosts it is
// /sys/fs/cgroup/unified, not /sys/fs/cgroup), and the group a path, a systemd unit or a process
// names.
#pragma once

#include <string>
#include <vector>

namespace kashim {

// The cgroup2 mount point, or empty with `problem` saying why.
std::string cgroup2_mount(std::string& problem);

struct GroupTarget {
    std::string path;  // a directory under the cgroup2 mount, the group's name as the kernel gives
                       // it (/system.slice), or a path relative to the mount
    std::string unit;  // a systemd unit name
    int pid = 0;       // a process whose group it is
};

// The group's directory (absolute, under the mount), or empty with `problem` saying what is wrong.
std::string resolve_group(const GroupTarget& target, const std::string& mount, std::string& problem);

// Every process in the group and in the groups below it.
std::vector<int> processes_in_group(const std::string& directory);

// The group path as the kernel names it ("/system.slice/x.service"), from the directory.
std::string group_name(const std::string& directory, const std::string& mount);

}  // namespace kashim
