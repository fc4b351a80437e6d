#include "group_runner.h"

#include <fcntl.h>
#include <poll.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <memory>

#include "cgroup_attachment.h"
#include "cgroup_location.h"
#include "runner/in_place.h"

namespace kashim {
namespace {

// Waits until no process is left in the group: the kernel says so in cgroup.events, and wakes
// a poll on it when it changes.
void wait_until_empty(const std::string& directory) {
    int events = open((directory + "/cgroup.events").c_str(), O_RDONLY | O_CLOEXEC);
    while (events >= 0) {
        char text[256];
        ssize_t length = pread(events, text, sizeof text - 1, 0);
        if (length < 0) break;
        text[length] = '\0';
        if (std::strstr(text, "populated 0") != nullptr) break;
        pollfd change{events, POLLPRI, 0};
        if (poll(&change, 1, -1) < 0 && errno != EINTR) break;
    }
    if (events >= 0) close(events);
    while (rmdir(directory.c_str()) != 0 && errno == EBUSY) usleep(100000);  // cannot watch: ask
}

std::string with_errno(const std::string& what) { return what + ": " + std::strerror(errno); }

}  // namespace

int run_in_new_group(const std::string& parent, const std::string& mount, kashim_bpf_settings settings,
                     char* const argv[], char* const environment[], std::string& problem) {
    std::string directory = parent + "/kashim-" + std::to_string(getpid());
    if (mkdir(directory.c_str(), 0755) != 0) {
        problem = with_errno("cannot make the group " + directory);
        return kExitFailure;
    }
    std::strncpy(settings.group, group_name(directory, mount).c_str(), sizeof settings.group - 1);
    std::unique_ptr<HeldAttachment> held = attach_held({directory, settings}, HeldPins::kUnpinned, problem);
    // Closed by the exec (or by this process's end): then the helper watches the group.
    int started[2];
    if (!held || pipe2(started, O_CLOEXEC) != 0) {
        if (held) problem = with_errno("cannot start the group's keeper");
        rmdir(directory.c_str());
        return kExitFailure;
    }
    bool helper_started = start_detached_helper([&] {
        close(started[1]);
        char byte;
        while (read(started[0], &byte, 1) < 0 && errno == EINTR) continue;
        wait_until_empty(directory);
        held.reset();
    });
    close(started[0]);
    int entered = -1;
    if (helper_started) {
        int procs = open((directory + "/cgroup.procs").c_str(), O_WRONLY | O_CLOEXEC);
        std::string pid = std::to_string(getpid());
        entered = procs >= 0 && write(procs, pid.data(), pid.size()) == static_cast<ssize_t>(pid.size()) ? 0 : errno;
        if (procs >= 0) close(procs);
    }
    if (!helper_started || entered != 0) {
        problem = helper_started ? "cannot enter the group " + directory + ": " + std::strerror(entered)
                                 : with_errno("cannot start the group's keeper");
        if (!helper_started) rmdir(directory.c_str());
        close(started[1]);  // the keeper, if any, finds the group empty and removes it
        return kExitFailure;
    }
    return exec_in_place(argv, environment);
}

}  // namespace kashim
