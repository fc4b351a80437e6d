// Attaching the cgroup engine's BPF programs to a group: pinned under bpffs so the protection
// outlives the command (`kashim attach`, until `kashim detach`), or held for as long as this
// process runs (`--foreground`, `kashim --cgroup`). Other programs on the group keep running
// (BPF links attach as multi-programs).
//
// Pins live in /sys/fs/bpf/kashim/v1/<group id>/: a group's id is its inode, and a group made
// again at the same path (a restarted systemd unit) has a new one. Whether an attachment is live
// is read from the kernel's record of its pinned link (the group's id, 0 once the group is gone),
// never from the path it was made for. Attaches and detaches hold a lock on kashim's pin
// directory, and clear the pins of every group that is gone, so a unit restarted any number of
// times holds one set of programs.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "bpf_settings.h"

namespace kashim {

// Why cgroup mode cannot run here (no bpf(), no sock_ops or cgroup/setsockopt programs, not
// privileged), from libbpf's probes of this kernel; empty when it can.
std::string cgroup_engine_unavailable();

struct AttachRequest {
    std::string directory;  // the group's directory under the cgroup2 mount
    kashim_bpf_settings settings;
};

struct AttachOutcome {
    std::string problem;    // empty on success; nothing this attach made is left on failure
    bool replaced = false;  // attached already: new programs carrying the new settings took over
    int leftovers_cleared = 0;  // attachments of groups that are gone, removed on the way
};

AttachOutcome attach_pinned(const AttachRequest& request);

struct DetachOutcome {
    std::string problem;  // empty on success
    // Its attachment had ended with an earlier incarnation of the group (the group was removed and
    // made again): what was left of it is removed.
    bool was_leftover = false;
};

// Leaves nothing pinned for the group at `directory`, named `group` as the kernel names it.
DetachOutcome detach_pinned(const std::string& directory, const std::string& group);

// What an attachment has counted since settings.counting_since, summed over the CPUs.
struct AttachmentCounts {
    bool read = false;  // false: the counters could not be read (an attachment from an older kashim)
    uint64_t configured = 0;
    uint64_t dead_peers[KASHIM_DEAD_PEER_REASONS + 1] = {};  // by kashim_dead_peer_reason; [0] unused
};

struct AttachedGroup {
    std::string pins;  // the bpffs directory holding it
    kashim_bpf_settings settings;
    bool live = false;  // false: its group is gone, and only its pins are left
    AttachmentCounts counts;
};

struct AttachedGroups {
    std::string problem;  // could not look (not root): the list says nothing then
    std::vector<AttachedGroup> groups;
};

// Every attachment kashim has pinned, live or left over from a group that is gone.
AttachedGroups list_attached();

// An attachment that lasts as long as the object does.
class HeldAttachment {
public:
    virtual ~HeldAttachment() = default;
    // Marks an open socket (a descriptor of this process) as configured with `rule` (-1: global)
    // and `pinned`, so the programs weigh its program's later setsockopt calls as any other's;
    // `configured` false first, so they let kashim's own calls on it through. Returns a problem,
    // empty when the mark was stored.
    virtual std::string mark(int socket, bool configured, int rule, unsigned pinned) = 0;
};

// How a held attachment shows itself. Pinned (`kashim attach --foreground`): `attached`,
// `status` and `stats` see it, a second attach to the group is refused, and its pins go when it
// ends; if its holder is killed outright, they stay until `kashim detach`. Unpinned (`--cgroup`
// and drill, whose groups are their own): it lives exactly as long as its holder, whatever ends it.
enum class HeldPins { kPinned, kUnpinned };

std::unique_ptr<HeldAttachment> attach_held(const AttachRequest& request, HeldPins pins, std::string& problem);

// The same marking through a pinned attachment's socket map (attach's open connections).
std::string mark_pinned(const std::string& directory, int socket, bool configured, int rule, unsigned pinned);

}  // namespace kashim
