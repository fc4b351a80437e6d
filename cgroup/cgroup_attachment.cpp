#include "cgroup_attachment.h"

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <dirent.h>
#include <fcntl.h>
#include <linux/capability.h>
#include <linux/magic.h>
#include <sys/file.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/vfs.h>
#include <unistd.h>

#include <cerrno>
#include <cstdarg>
#include <cstring>
#include <ctime>

#include "cgroup_location.h"
#include "keepalive.skel.h"

namespace kashim {
namespace {

constexpr const char* kBpfFs = "/sys/fs/bpf";
constexpr const char* kPinRoot = "/sys/fs/bpf/kashim";
// The layout's version: a later kashim that pins differently uses another directory beside it.
constexpr const char* kPinLayout = "/sys/fs/bpf/kashim/v1";
constexpr const char* kPinnedFiles[] = {"sock_ops", "setsockopt", "settings", "sockets", "counters"};
constexpr int kVerifierLinesShown = 12;

// libbpf's own messages would reach the operator as noise. What it says while loading is kept,
// so that a refused load can show the verifier's reasons.
std::string g_libbpf_said;
int keep_libbpf_message(enum libbpf_print_level level, const char* format, va_list arguments) {
    if (level == LIBBPF_DEBUG) return 0;
    va_list measuring;
    va_copy(measuring, arguments);
    int length = vsnprintf(nullptr, 0, format, measuring);
    va_end(measuring);
    if (length <= 0) return 0;
    std::string text(static_cast<size_t>(length) + 1, '\0');  // the verifier's log can be long
    vsnprintf(text.data(), text.size(), format, arguments);
    text.pop_back();
    g_libbpf_said += text;
    return 0;
}

std::string with_errno(const std::string& what, int error) {
    std::string text = what + ": " + std::strerror(error);
    if (error == EPERM || error == EACCES) text += " (cgroup mode needs root, or CAP_BPF with CAP_NET_ADMIN)";
    return text;
}

// The last lines of the verifier's log when libbpf printed one, else libbpf's last line.
std::string why_the_load_failed() {
    const std::string begin = "-- BEGIN PROG LOAD LOG --", end = "-- END PROG LOAD LOG --";
    size_t log_start = g_libbpf_said.rfind(begin), log_end = g_libbpf_said.rfind(end);
    std::vector<std::string> lines;
    if (log_start != std::string::npos && log_end != std::string::npos && log_end > log_start) {
        std::string log = g_libbpf_said.substr(log_start + begin.size(), log_end - log_start - begin.size());
        for (size_t at = 0; at < log.size();) {
            size_t next = log.find('\n', at);
            if (next == std::string::npos) next = log.size();
            if (next > at) lines.push_back(log.substr(at, next - at));
            at = next + 1;
        }
        if (lines.size() > kVerifierLinesShown) lines.erase(lines.begin(), lines.end() - kVerifierLinesShown);
        std::string text = "the kernel's verifier refused them; its last words:";
        for (const std::string& line : lines) text += "\n    " + line;
        return text;
    }
    std::string said = g_libbpf_said;
    while (!said.empty() && said.back() == '\n') said.pop_back();
    size_t last_line = said.rfind('\n');
    return "libbpf: " + (last_line == std::string::npos ? said : said.substr(last_line + 1));
}

uint64_t group_id(const std::string& group_directory, std::string& problem) {
    struct stat status;
    if (stat(group_directory.c_str(), &status) != 0) {
        problem = with_errno("cannot read " + group_directory, errno);
        return 0;
    }
    return status.st_ino;
}

std::string pins_of(uint64_t id) { return std::string(kPinLayout) + "/" + std::to_string(id); }

std::string ensure_bpffs() {
    struct statfs fs;
    if (statfs(kBpfFs, &fs) == 0 && fs.f_type == BPF_FS_MAGIC) return {};
    if (mount("bpf", kBpfFs, "bpf", 0, "mode=0700") != 0) return with_errno(std::string("cannot mount bpffs on ") + kBpfFs, errno);
    return {};
}

// Serialises kashim's changes to its pins (exclusive), and lets a reader see them whole (shared).
// The lock is on kashim's own directory, which the last detach removes when it unlocks: a process
// that got the lock on a directory removed meanwhile tries again.
class PinLock {
public:
    enum Kind { kChanging, kReading };
    std::string problem;
    explicit PinLock(Kind kind) : kind_(kind) {
        for (;;) {
            if (kind == kChanging && mkdir(kPinRoot, 0700) != 0 && errno != EEXIST) {
                problem = with_errno(std::string("cannot make ") + kPinRoot, errno);
                return;
            }
            fd_ = open(kPinRoot, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
            if (fd_ < 0) {
                if (kind == kReading && errno == ENOENT) return;  // nothing pinned: nothing to see whole
                if (errno == ENOENT) continue;                    // removed between the two calls
                problem = with_errno(std::string("cannot open ") + kPinRoot, errno);
                return;
            }
            if (flock(fd_, kind == kChanging ? LOCK_EX : LOCK_SH) != 0) {
                problem = with_errno(std::string("cannot lock ") + kPinRoot, errno);
                return;
            }
            struct stat locked, current;
            if (fstat(fd_, &locked) == 0 && stat(kPinRoot, &current) == 0 && locked.st_ino == current.st_ino) return;
            close(fd_);
            fd_ = -1;
        }
    }
    // kashim's directories go with the last attachment, and only here: removed while the lock
    // is held and then made again, another process could lock the new one meanwhile.
    ~PinLock() {
        if (fd_ < 0) return;
        if (kind_ == kChanging) {
            rmdir(kPinLayout);  // these fail, as they should, while a group is attached
            rmdir(kPinRoot);
        }
        close(fd_);
    }
    PinLock(const PinLock&) = delete;
    PinLock& operator=(const PinLock&) = delete;

private:
    Kind kind_;
    int fd_ = -1;
};

// A group's pins.
void remove_pins(const std::string& pins) {
    for (const char* file : kPinnedFiles) unlink((pins + "/" + file).c_str());
    rmdir(pins.c_str());
}

// Whether the group with this id exists now, asked of the kernel by the id itself (a cgroup2 file
// handle is its id): a removed group's links are detached only a moment later, and a group made
// again at the same path is another group.
bool group_exists(uint64_t id) {
    std::string problem;
    std::string mount = cgroup2_mount(problem);
    int mount_fd = mount.empty() ? -1 : open(mount.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (mount_fd < 0) return true;  // cannot tell: the link's own record decides
    constexpr int kKernfsHandle = 0xfe;  // FILEID_KERNFS
    alignas(file_handle) unsigned char buffer[sizeof(file_handle) + sizeof id];
    auto* handle = reinterpret_cast<file_handle*>(buffer);
    handle->handle_bytes = sizeof id;
    handle->handle_type = kKernfsHandle;
    std::memcpy(handle->f_handle, &id, sizeof id);
    int group = open_by_handle_at(mount_fd, handle, O_RDONLY | O_CLOEXEC);
    int error = errno;
    close(mount_fd);
    if (group >= 0) close(group);
    return group >= 0 || error != ESTALE;
}

// The group the kernel holds a pinned cgroup link attached to: 0 once that group is gone (the
// kernel detaches a cgroup's links when it is removed), or when there is no such link.
uint64_t attached_group_id(const std::string& link_pin) {
    int link = bpf_obj_get(link_pin.c_str());
    if (link < 0) return 0;
    bpf_link_info info{};
    uint32_t length = sizeof info;
    uint64_t id = bpf_obj_get_info_by_fd(link, &info, &length) == 0 ? info.cgroup.cgroup_id : 0;
    close(link);
    return id;
}

// The directories of every attachment pinned, with the group id each is named after.
struct PinnedAttachment {
    std::string pins;
    uint64_t named_id;
};
std::vector<PinnedAttachment> pinned_attachments(int& error) {
    std::vector<PinnedAttachment> found;
    error = 0;
    DIR* listing = opendir(kPinLayout);
    if (listing == nullptr) {
        if (errno != ENOENT) error = errno;
        return found;
    }
    while (dirent* entry = readdir(listing)) {
        char* end = nullptr;
        unsigned long long id = std::strtoull(entry->d_name, &end, 10);
        if (entry->d_name[0] == '.' || *end != '\0') continue;
        found.push_back({std::string(kPinLayout) + "/" + entry->d_name, id});
    }
    closedir(listing);
    return found;
}

bool is_live(const PinnedAttachment& attachment) {
    return attached_group_id(attachment.pins + "/sock_ops") == attachment.named_id && group_exists(attachment.named_id);
}

bool read_settings(const std::string& pins, kashim_bpf_settings& settings) {
    int map = bpf_obj_get((pins + "/settings").c_str());
    if (map < 0) return false;
    uint32_t key = 0;
    bool read = bpf_map_lookup_elem(map, &key, &settings) == 0;
    close(map);
    return read;
}

// Removes what is left of attachments whose group is gone; returns how many. With `had_group`,
// also tells whether one of them had been made for the group path `group`.
int clear_leftovers(const std::string& group = {}, bool* had_group = nullptr) {
    int error = 0, cleared = 0;
    for (const PinnedAttachment& attachment : pinned_attachments(error)) {
        if (is_live(attachment)) continue;
        kashim_bpf_settings settings{};
        if (had_group && read_settings(attachment.pins, settings) && group == settings.group) *had_group = true;
        remove_pins(attachment.pins);
        ++cleared;
    }
    return cleared;
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

// The maps a new set of programs shares with the set it replaces: what the old ones recorded of
// each socket, and what they counted. -1: none, a new attachment.
struct SharedMaps {
    int sockets = -1;
    int counters = -1;
    ~SharedMaps() {
        if (sockets >= 0) close(sockets);
        if (counters >= 0) close(counters);
    }
};

// Loads a fresh set of programs whose settings map holds `settings`, sharing `shared`.
std::string load(const kashim_bpf_settings& settings, const SharedMaps& shared, Skeleton& skeleton) {
    libbpf_set_print(keep_libbpf_message);
    g_libbpf_said.clear();
    skeleton.object = kashim_keepalive__open();
    if (skeleton.object == nullptr) return with_errno("cannot open the BPF programs", errno);
    if (shared.sockets >= 0 && bpf_map__reuse_fd(skeleton.object->maps.sockets, shared.sockets) != 0)
        return with_errno("cannot share the attachment's socket map", errno);
    if (shared.counters >= 0 && bpf_map__reuse_fd(skeleton.object->maps.counters, shared.counters) != 0)
        return with_errno("cannot share the attachment's counters", errno);
    if (kashim_keepalive__load(skeleton.object) != 0) {
        int error = errno;
        return "cannot load the BPF programs (" + std::string(std::strerror(error)) + "): " + why_the_load_failed();
    }
    uint32_t key = 0;
    if (bpf_map_update_elem(bpf_map__fd(skeleton.object->maps.settings), &key, &settings, BPF_ANY) != 0)
        return with_errno("cannot store the settings", errno);
    return {};
}

// Loads the programs with `settings` in their map, counting from now, and attaches them to `directory`.
std::string load_and_attach(const AttachRequest& request, Skeleton& skeleton) {
    kashim_bpf_settings settings = request.settings;
    settings.counting_since = time(nullptr);
    if (std::string problem = load(settings, SharedMaps{}, skeleton); !problem.empty()) return problem;
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

// New settings for a live attachment: new programs, each with its own settings map, take over
// the pinned links (one atomic switch per link), so every connection is configured by the old
// settings whole or by the new ones whole. A map rewritten in place could be read half old,
// half new. The socket map and the counters are shared, so what the old programs recorded and
// counted stays, and the counting goes on from the same moment.
std::string replace_settings(const std::string& pins, kashim_bpf_settings settings) {
    Skeleton fresh;
    SharedMaps shared;
    shared.sockets = bpf_obj_get((pins + "/sockets").c_str());
    if (shared.sockets < 0) return with_errno("cannot open " + pins + "/sockets", errno);
    shared.counters = bpf_obj_get((pins + "/counters").c_str());
    if (shared.counters < 0) return with_errno("cannot open " + pins + "/counters", errno);
    kashim_bpf_settings old{};
    settings.counting_since = read_settings(pins, old) ? old.counting_since : time(nullptr);
    if (std::string problem = load(settings, shared, fresh); !problem.empty()) return problem;
    struct Switch {
        const char* pin;
        bpf_program* program;
    } switches[] = {{"sock_ops", fresh.object->progs.kashim_sock_ops},
                    {"setsockopt", fresh.object->progs.kashim_setsockopt}};
    for (const Switch& link_switch : switches) {
        int link = bpf_obj_get((pins + "/" + link_switch.pin).c_str());
        if (link < 0) return with_errno("cannot open " + pins + "/" + link_switch.pin, errno);
        int result = bpf_link_update(link, bpf_program__fd(link_switch.program), nullptr);
        int error = errno;
        close(link);
        if (result != 0) return with_errno(std::string("cannot switch the ") + link_switch.pin + " link", error);
    }
    // The new settings map is what `kashim attached` reads from now on (bpffs has no rename; a
    // reader holds the lock shared, so it never sees the pin missing).
    std::string settings_pin = pins + "/settings";
    unlink(settings_pin.c_str());
    if (bpf_obj_pin(bpf_map__fd(fresh.object->maps.settings), settings_pin.c_str()) != 0)
        return with_errno("the new settings are in force, but cannot be pinned for kashim attached", errno);
    return {};
}

// A socket's entry in the programs' socket storage (the map's key is a descriptor of ours).
std::string store_socket_state(int map, int socket, bool configured, int rule, unsigned pinned) {
    kashim_bpf_socket state{static_cast<__u8>(configured), static_cast<__s8>(rule), static_cast<__u8>(pinned), 0, {}};
    if (bpf_map_update_elem(map, &socket, &state, BPF_ANY) == 0) return {};
    return with_errno("cannot mark a connection as " + std::string(configured ? "configured" : "about to be configured") +
                          " in the socket map",
                      errno);
}

// Pinned (HeldPins::kPinned) or not; its pins go when it ends.
class HeldSkeleton : public HeldAttachment {
public:
    Skeleton skeleton;
    std::string pins;
    ~HeldSkeleton() override {
        if (pins.empty()) return;
        PinLock lock(PinLock::kChanging);
        remove_pins(pins);
    }
    std::string mark(int socket, bool configured, int rule, unsigned pinned) override {
        return store_socket_state(bpf_map__fd(skeleton.object->maps.sockets), socket, configured, rule, pinned);
    }
};

// bpffs mounted and the group's id: what every attach starts with, before it takes the lock.
std::string prepare_pins(const std::string& directory, uint64_t& id) {
    if (std::string problem = ensure_bpffs(); !problem.empty()) return problem;
    std::string problem;
    id = group_id(directory, problem);
    return problem;
}

// Pins a loaded and attached set under `pins`, or removes what it pinned: the links go with the
// skeleton, so nothing stays half-attached.
std::string pin_attachment(Skeleton& skeleton, const std::string& pins) {
    mkdir(kPinLayout, 0700);
    if (mkdir(pins.c_str(), 0700) != 0 && errno != EEXIST) {
        std::string problem = with_errno("cannot make " + pins, errno);
        remove_pins(pins);
        return problem;
    }
    if (bpf_link__pin(skeleton.sock_ops, (pins + "/sock_ops").c_str()) != 0 ||
        bpf_link__pin(skeleton.setsockopt, (pins + "/setsockopt").c_str()) != 0 ||
        bpf_map__pin(skeleton.object->maps.settings, (pins + "/settings").c_str()) != 0 ||
        bpf_map__pin(skeleton.object->maps.sockets, (pins + "/sockets").c_str()) != 0 ||
        bpf_map__pin(skeleton.object->maps.counters, (pins + "/counters").c_str()) != 0) {
        std::string problem = with_errno("cannot pin under " + pins, errno);
        remove_pins(pins);
        return problem;
    }
    return {};
}

// The counters pinned under `pins`, summed over the CPUs.
AttachmentCounts read_counts(const std::string& pins) {
    AttachmentCounts counts;
    int map = bpf_obj_get((pins + "/counters").c_str());
    int cpus = libbpf_num_possible_cpus();
    if (map < 0 || cpus <= 0) {
        if (map >= 0) close(map);
        return counts;
    }
    std::vector<uint64_t> per_cpu(static_cast<size_t>(cpus));
    uint64_t totals[KASHIM_BPF_COUNTERS] = {};
    counts.read = true;
    for (uint32_t counter = 0; counter < KASHIM_BPF_COUNTERS; ++counter) {
        if (bpf_map_lookup_elem(map, &counter, per_cpu.data()) != 0) {
            counts.read = false;
            break;
        }
        for (uint64_t value : per_cpu) totals[counter] += value;
    }
    close(map);
    if (!counts.read) return counts;
    counts.configured = totals[KASHIM_BPF_COUNTER_CONFIGURED];
    for (int reason = 1; reason <= KASHIM_DEAD_PEER_REASONS; ++reason) counts.dead_peers[reason] = totals[reason];
    return counts;
}

bool has_capability(unsigned capability) {
    __user_cap_header_struct header{_LINUX_CAPABILITY_VERSION_3, 0};
    __user_cap_data_struct data[_LINUX_CAPABILITY_U32S_3] = {};
    if (syscall(SYS_capget, &header, data) != 0) return false;
    return (data[capability / 32].effective & (1u << (capability % 32))) != 0;
}

std::string probe_failure(const char* what, int result) {
    if (result == 1) return {};
    if (result == 0) return std::string("this kernel has no ") + what + ", which cgroup mode needs";
    return with_errno(std::string("cannot probe this kernel for ") + what, -result);
}

}  // namespace

std::string cgroup_engine_unavailable() {
    // Unprivileged, libbpf's probes answer "not supported" for everything.
    constexpr unsigned kCapBpf = 39;  // CAP_BPF, which older headers lack
    if (!has_capability(CAP_NET_ADMIN) || !(has_capability(kCapBpf) || has_capability(CAP_SYS_ADMIN)))
        return "cgroup mode needs root, or CAP_BPF with CAP_NET_ADMIN";
    libbpf_set_print(keep_libbpf_message);
    struct Need {
        const char* what;
        int result;
    } needs[] = {
        {"sock_ops BPF programs", libbpf_probe_bpf_prog_type(BPF_PROG_TYPE_SOCK_OPS, nullptr)},
        {"cgroup/setsockopt BPF programs", libbpf_probe_bpf_prog_type(BPF_PROG_TYPE_CGROUP_SOCKOPT, nullptr)},
        {"bpf_setsockopt in sock_ops programs",
         libbpf_probe_bpf_helper(BPF_PROG_TYPE_SOCK_OPS, BPF_FUNC_setsockopt, nullptr)},
        {"socket storage in sock_ops programs",
         libbpf_probe_bpf_helper(BPF_PROG_TYPE_SOCK_OPS, BPF_FUNC_sk_storage_get, nullptr)},
        // What tells a dead peer from another end (Linux 5.10), and the BTF it reads it through.
        {"bpf_skc_to_tcp_sock in sock_ops programs",
         libbpf_probe_bpf_helper(BPF_PROG_TYPE_SOCK_OPS, BPF_FUNC_skc_to_tcp_sock, nullptr)},
        {"BTF (/sys/kernel/btf/vmlinux)", access("/sys/kernel/btf/vmlinux", R_OK) == 0 ? 1 : 0},
    };
    for (const Need& need : needs)
        if (std::string problem = probe_failure(need.what, need.result); !problem.empty()) return problem;
    return {};
}

AttachOutcome attach_pinned(const AttachRequest& request) {
    AttachOutcome outcome;
    uint64_t id = 0;
    if ((outcome.problem = prepare_pins(request.directory, id)).size() != 0) return outcome;
    PinLock lock(PinLock::kChanging);
    if ((outcome.problem = lock.problem).size() != 0) return outcome;
    outcome.leftovers_cleared = clear_leftovers();
    std::string pins = pins_of(id);
    if (is_live({pins, id})) {
        outcome.problem = replace_settings(pins, request.settings);
        outcome.replaced = outcome.problem.empty();
        return outcome;
    }
    Skeleton skeleton;
    if ((outcome.problem = load_and_attach(request, skeleton)).size() != 0) return outcome;
    outcome.problem = pin_attachment(skeleton, pins);
    return outcome;
}

DetachOutcome detach_pinned(const std::string& directory, const std::string& group) {
    DetachOutcome outcome;
    uint64_t id = group_id(directory, outcome.problem);
    if (id == 0) return outcome;
    if (access(kPinRoot, F_OK) != 0) {
        outcome.problem = "kashim is not attached to " + group;
        return outcome;
    }
    PinLock lock(PinLock::kChanging);
    if ((outcome.problem = lock.problem).size() != 0) return outcome;
    std::string pins = pins_of(id);
    bool attached = access(pins.c_str(), F_OK) == 0;
    if (attached) remove_pins(pins);
    clear_leftovers(group, &outcome.was_leftover);
    if (attached && access(pins.c_str(), F_OK) == 0) outcome.problem = with_errno("cannot remove " + pins, errno);
    else if (!attached && !outcome.was_leftover) outcome.problem = "kashim is not attached to " + group;
    return outcome;
}

AttachedGroups list_attached() {
    AttachedGroups attached;
    PinLock lock(PinLock::kReading);
    if ((attached.problem = lock.problem).size() != 0) return attached;
    int error = 0;
    std::vector<PinnedAttachment> pinned = pinned_attachments(error);
    if (error != 0) {
        attached.problem = with_errno(std::string("cannot read ") + kPinLayout, error);
        return attached;
    }
    for (const PinnedAttachment& attachment : pinned) {
        AttachedGroup group;
        group.pins = attachment.pins;
        if (!read_settings(attachment.pins, group.settings)) continue;
        group.live = is_live(attachment);
        group.counts = read_counts(attachment.pins);
        attached.groups.push_back(group);
    }
    return attached;
}

std::unique_ptr<HeldAttachment> attach_held(const AttachRequest& request, HeldPins pinning, std::string& problem) {
    auto held = std::make_unique<HeldSkeleton>();
    if (pinning == HeldPins::kUnpinned) {
        problem = load_and_attach(request, held->skeleton);
        return problem.empty() ? std::move(held) : nullptr;
    }
    uint64_t id = 0;
    if ((problem = prepare_pins(request.directory, id)).size() != 0) return nullptr;
    PinLock lock(PinLock::kChanging);
    if ((problem = lock.problem).size() != 0) return nullptr;
    clear_leftovers();
    std::string pins = pins_of(id);
    if (is_live({pins, id})) {
        problem = "kashim is attached to " + std::string(request.settings.group) +
                  " already (kashim detach it first, or attach new settings to it)";
        return nullptr;
    }
    if ((problem = load_and_attach(request, held->skeleton)).size() != 0) return nullptr;
    if ((problem = pin_attachment(held->skeleton, pins)).size() != 0) return nullptr;
    held->pins = pins;
    return held;
}

std::string mark_pinned(const std::string& directory, int socket, bool configured, int rule, unsigned pinned) {
    std::string problem;
    uint64_t id = group_id(directory, problem);
    if (id == 0) return problem;
    int sockets = bpf_obj_get((pins_of(id) + "/sockets").c_str());
    if (sockets < 0) return with_errno("cannot open " + pins_of(id) + "/sockets", errno);
    problem = store_socket_state(sockets, socket, configured, rule, pinned);
    close(sockets);
    return problem;
}

}  // namespace kashim
