#include "cgroup_location.h"

#include <dirent.h>
#include <linux/magic.h>
#include <sys/stat.h>
#include <sys/vfs.h>

#include <fstream>
#include <sstream>
#include <vector>

namespace kashim {
namespace {

bool is_cgroup2_directory(const std::string& path) {
    struct statfs fs;
    struct stat status;
    return statfs(path.c_str(), &fs) == 0 && fs.f_type == CGROUP2_SUPER_MAGIC && stat(path.c_str(), &status) == 0 &&
           S_ISDIR(status.st_mode);
}

// systemd puts a unit's group somewhere below the mount (system.slice/NAME, user.slice/...):
// the first directory of that name, breadth first, not deeper than a slice tree goes.
std::string find_unit(const std::string& mount, const std::string& unit) {
    std::vector<std::string> level = {mount};
    for (int depth = 0; depth < 6 && !level.empty(); ++depth) {
        std::vector<std::string> next;
        for (const std::string& directory : level) {
            DIR* listing = opendir(directory.c_str());
            if (listing == nullptr) continue;
            while (dirent* entry = readdir(listing)) {
                std::string name = entry->d_name;
                if (entry->d_type != DT_DIR || name == "." || name == "..") continue;
                std::string path = directory + "/" + name;
                if (name == unit) {
                    closedir(listing);
                    return path;
                }
                next.push_back(path);
            }
            closedir(listing);
        }
        level = std::move(next);
    }
    return {};
}

}  // namespace

std::string cgroup2_mount(std::string& problem) {
    std::ifstream mounts("/proc/self/mounts");
    std::string line;
    while (std::getline(mounts, line)) {
        std::istringstream fields(line);
        std::string device, where, type;
        fields >> device >> where >> type;
        if (type == "cgroup2") return where;
    }
    problem = "no cgroup v2 file system is mounted (see /proc/self/mounts); cgroup mode needs one";
    return {};
}

std::string resolve_group(const GroupTarget& target, const std::string& mount, std::string& problem) {
    std::string directory;
    if (target.pid != 0) {
        std::ifstream cgroups("/proc/" + std::to_string(target.pid) + "/cgroup");
        std::string line;
        while (std::getline(cgroups, line))
            if (line.rfind("0::", 0) == 0) directory = mount + line.substr(3);
        if (directory.empty()) {
            problem = "process " + std::to_string(target.pid) + " is not running, or is in no cgroup v2 group";
            return {};
        }
    } else if (!target.unit.empty()) {
        directory = find_unit(mount, target.unit);
        if (directory.empty()) {
            problem = "no group for unit '" + target.unit + "' under " + mount + " (is it running?)";
            return {};
        }
    } else if (target.path.rfind(mount + "/", 0) == 0 || target.path == mount) {
        directory = target.path;
    } else if (target.path.rfind('/', 0) == 0) {
        // The group as the kernel names it (/proc/PID/cgroup, `kashim attached`): /kubepods.slice.
        directory = mount + target.path;
    } else {
        directory = mount + "/" + target.path;
    }
    while (directory.size() > 1 && directory.back() == '/') directory.pop_back();
    if (directory.rfind(mount, 0) != 0 || !is_cgroup2_directory(directory)) {
        problem = "'" + directory + "' is not a cgroup v2 group (a directory under " + mount + ")";
        return {};
    }
    return directory;
}

std::vector<int> processes_in_group(const std::string& directory) {
    std::vector<int> pids;
    std::vector<std::string> pending = {directory};
    while (!pending.empty()) {
        std::string group = pending.back();
        pending.pop_back();
        std::ifstream procs(group + "/cgroup.procs");
        for (int pid; procs >> pid;) pids.push_back(pid);
        if (DIR* listing = opendir(group.c_str())) {
            while (dirent* entry = readdir(listing))
                if (entry->d_type == DT_DIR && entry->d_name[0] != '.') pending.push_back(group + "/" + entry->d_name);
            closedir(listing);
        }
    }
    return pids;
}

std::string group_name(const std::string& directory, const std::string& mount) {
    std::string name = directory.substr(mount.size());
    return name.empty() ? "/" : name;
}

}  // namespace kashim
