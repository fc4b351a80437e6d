#include "cgroup_attachment.h"

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <dirent.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <sys/vfs.h>
#include <unistd.h>

#include <cerrno>
#include <cstdarg>
#include <cstring>

#include "keepalive.skel.h"

namespace kashim {
namespace {

constexpr const char* kBpfFs = "/sys/fs/bpf";
constexpr const char* kPinRoot = "/sys/fs/bpf/kashim";
constexpr const char* kPinnedFiles[] = {"sock_ops", "setsockopt", "settings", "sockets"};

// libbpf's own messages would reach the operator as noise; the last warning is kept for the one
// line kashim says when something fails.
std::string g_libbpf_said;
int keep_libbpf_message(enum libbpf_print_level level, const char* format, va_list arguments) {
    if (level == LIBBPF_DEBUG) return 0;
    char text[512];
    vsnprintf(text, sizeof text, format, arguments);
    g_libbpf_said = text;
    while (!g_libbpf_said.empty() && g_libbpf_said.back() == '\n') g_libbpf_said.pop_back();
    return 0;
}

std::string with_errno(const std::string& what, int error) {
    std::string text = what + ": " + std::strerror(error);
    if (error == EPERM || error == EACCES) text += " (cgroup mode needs root, or CAP_BPF with CAP_NET_ADMIN)";
    return text;
}

// The pins of one group live under a directory named after the group's inode.
std::string pin_directory(const std::string& group_directory, std::string& problem) {
    struct stat status;
    if (stat(group_directory.c_str(), &status) != 0) {
        problem = with_errno("cannot read " + group_directory, errno);
        return {};
    }
    return std::string(kPinRoot) + "/" + std::to_string(status.st_ino);
}

std::string ensure_bpffs() {
    struct statfs fs;
    if (statfs(kBpfFs, &fs) == 0 && fs.f_type == BPF_FS_MAGIC) return {};
    if (mount("bpf", kBpfFs, "bpf", 0, "mode=0700") != 0) return with_errno(std::string("cannot mount bpffs on ") + kBpfFs, errno);
    return {};
}

// The group's pins, and kashim's directory under bpffs when no other group is left in it.
void remove_pins(const std::string& pins) {
    for (const char* file : kPinnedFiles) unlink((pins + "/" + file).c_str());
    rmdir(pins.c_str());
    rmdir(kPinRoot);  // fails, as it should, while another group is attached
}

struct Skeleton {
    kashim_keepalive* object = nullptr;
    bpf_link* sock_ops = nullptr;
    bpf_link* setsockopt = nullptr;
    ~Skeleton() {
        bpf_link__destroy(setsockopt);
        bpf_link__destroy(sock_ops);
        kashim_keepalive__destroy(object);
    }
};

// Loads the programs with `settings` in their map and attaches them to `directory`.
std::string load_and_attach(const AttachRequest& request, Skeleton& skeleton) {
    libbpf_set_print(keep_libbpf_message);
    skeleton.object = kashim_keepalive__open_and_load();
    if (skeleton.object == nullptr) return with_errno("cannot load the BPF programs (" + g_libbpf_said + ")", errno);
    uint32_t key = 0;
    if (bpf_map_update_elem(bpf_map__fd(skeleton.object->maps.settings), &key, &request.settings, BPF_ANY) != 0)
        return with_errno("cannot store the settings", errno);
    int group = open(request.directory.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (group < 0) return with_errno("cannot open " + request.directory, errno);
    skeleton.sock_ops = bpf_program__attach_cgroup(skeleton.object->progs.kashim_sock_ops, group);
    int error = skeleton.sock_ops == nullptr ? errno : 0;
    if (error == 0) {
        skeleton.setsockopt = bpf_program__attach_cgroup(skeleton.object->progs.kashim_setsockopt, group);
        if (skeleton.setsockopt == nullptr) error = errno;
    }
    close(group);
    if (error != 0) return with_errno("cannot attach to " + request.directory, error);
    return {};
}

// A socket's entry in the programs' socket storage (the map's key is a descriptor of ours).
void store_socket_state(int map, int socket, bool configured, int rule, unsigned pinned) {
    kashim_bpf_socket state{static_cast<__u8>(configured), static_cast<__s8>(rule), static_cast<__u8>(pinned), 0, {}};
    bpf_map_update_elem(map, &socket, &state, BPF_ANY);
}

class HeldSkeleton : public HeldAttachment {
public:
    Skeleton skeleton;
    void mark(int socket, bool configured, int rule, unsigned pinned) override {
        store_socket_state(bpf_map__fd(skeleton.object->maps.sockets), socket, configured, rule, pinned);
    }
};

}  // namespace

std::string cgroup_engine_unavailable() {
    utsname system;
    if (uname(&system) == 0) {
        unsigned major = 0, minor = 0;
        if (std::sscanf(system.release, "%u.%u", &major, &minor) == 2 && (major < 5 || (major == 5 && minor < 9)))
            return std::string("kernel ") + system.release + " is older than 5.9, which cgroup mode needs " +
                   "(bpf_setsockopt of the keepalive options)";
    }
    return {};  // root or CAP_BPF + CAP_NET_ADMIN: found by trying, and the attach says which failed
}

AttachOutcome attach_pinned(const AttachRequest& request) {
    AttachOutcome outcome;
    if ((outcome.problem = ensure_bpffs()).size() != 0) return outcome;
    std::string pins = pin_directory(request.directory, outcome.problem);
    if (pins.empty()) return outcome;
    // Attached already: the programs stay, only their settings change, in one map update.
    int settings = bpf_obj_get((pins + "/settings").c_str());
    if (settings >= 0) {
        uint32_t key = 0;
        if (bpf_map_update_elem(settings, &key, &request.settings, BPF_ANY) != 0)
            outcome.problem = with_errno("cannot replace the settings", errno);
        close(settings);
        outcome.replaced = outcome.problem.empty();
        return outcome;
    }
    Skeleton skeleton;
    if ((outcome.problem = load_and_attach(request, skeleton)).size() != 0) return outcome;
    mkdir(kPinRoot, 0700);
    if (mkdir(pins.c_str(), 0700) != 0 && errno != EEXIST) {
        outcome.problem = with_errno("cannot make " + pins, errno);
        return outcome;
    }
    if (bpf_link__pin(skeleton.sock_ops, (pins + "/sock_ops").c_str()) != 0 ||
        bpf_link__pin(skeleton.setsockopt, (pins + "/setsockopt").c_str()) != 0 ||
        bpf_map__pin(skeleton.object->maps.settings, (pins + "/settings").c_str()) != 0 ||
        bpf_map__pin(skeleton.object->maps.sockets, (pins + "/sockets").c_str()) != 0) {
        outcome.problem = with_errno("cannot pin under " + pins, errno);
        remove_pins(pins);  // the links go with the skeleton: nothing stays half-attached
    }
    return outcome;
}

std::string detach_pinned(const std::string& directory) {
    std::string problem;
    std::string pins = pin_directory(directory, problem);
    if (pins.empty()) return problem;
    if (access(pins.c_str(), F_OK) != 0) return "kashim is not attached to " + directory;
    remove_pins(pins);
    if (access(pins.c_str(), F_OK) == 0) return with_errno("cannot remove " + pins, errno);
    return {};
}

std::vector<AttachedGroup> list_attached() {
    std::vector<AttachedGroup> groups;
    DIR* listing = opendir(kPinRoot);
    if (listing == nullptr) return groups;
    while (dirent* entry = readdir(listing)) {
        if (entry->d_name[0] == '.') continue;
        AttachedGroup group;
        group.pins = std::string(kPinRoot) + "/" + entry->d_name;
        int settings = bpf_obj_get((group.pins + "/settings").c_str());
        if (settings < 0) continue;
        uint32_t key = 0;
        if (bpf_map_lookup_elem(settings, &key, &group.settings) == 0) groups.push_back(group);
        close(settings);
    }
    closedir(listing);
    return groups;
}

std::unique_ptr<HeldAttachment> attach_held(const AttachRequest& request, std::string& problem) {
    auto held = std::make_unique<HeldSkeleton>();
    problem = load_and_attach(request, held->skeleton);
    if (!problem.empty()) return nullptr;
    return held;
}

void mark_pinned(const std::string& directory, int socket, bool configured, int rule, unsigned pinned) {
    std::string problem;
    std::string pins = pin_directory(directory, problem);
    int sockets = pins.empty() ? -1 : bpf_obj_get((pins + "/sockets").c_str());
    if (sockets < 0) return;
    store_socket_state(sockets, socket, configured, rule, pinned);
    close(sockets);
}

}  // namespace kashim
