// Attaching the cgroup engine's BPF programs to a group: pinned under bpffs so the protection
// outlives the command (`kashim attach`, until `kashim detach`), or held for as long as this
// process runs (`--foreground`, `kashim --cgroup`). Other programs on the group keep running
// (BPF links attach as multi-programs). Either way, nothing is left half-attached on failure.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "bpf_settings.h"

namespace kashim {

// Why this machine cannot attach, as far as can be known without trying: a kernel older than 5.9;
// else empty. Missing rights or BPF support show only when attaching, whose problem names them.
std::string cgroup_engine_unavailable();

struct AttachRequest {
    std::string directory;  // the group's directory under the cgroup2 mount
    kashim_bpf_settings settings;
};

struct AttachOutcome {
    std::string problem;   // empty on success
    bool replaced = false;  // the group was attached already: its settings were replaced in place
};

AttachOutcome attach_pinned(const AttachRequest& request);

// Leaves nothing pinned for the group. Empty on success, else the problem ("not attached").
std::string detach_pinned(const std::string& directory);

struct AttachedGroup {
    std::string pins;  // the bpffs directory holding it
    kashim_bpf_settings settings;
};

// Every group kashim is attached to, with its settings.
std::vector<AttachedGroup> list_attached();

// An attachment that lasts as long as the object does.
class HeldAttachment {
public:
    virtual ~HeldAttachment() = default;
    // Marks an open socket (a descriptor of this process) as configured with `rule` (-1: global)
    // and `pinned`, so the programs weigh its program's later setsockopt calls as any other's;
    // `configured` false first, so they let kashim's own calls on it through.
    virtual void mark(int socket, bool configured, int rule, unsigned pinned) = 0;
};

std::unique_ptr<HeldAttachment> attach_held(const AttachRequest& request, std::string& problem);

// The same marking through a pinned attachment's socket map (attach's open connections).
void mark_pinned(const std::string& directory, int socket, bool configured, int rule, unsigned pinned);

}  // namespace kashim
