// kashim drill's network cut (drill.bpf.c): a cgroup_skb ingress and egress pair attached to a
// group, as BPF links this process holds, so they go with the object, or with the process
// however it ends; nothing is pinned. Until cut() every packet passes; after it every packet of
// the group's IPv4 and IPv6 TCP sockets is dropped, both ways, new connections' SYNs included.
#pragma once

#include <memory>
#include <string>

namespace kashim {

class DrillCut {
public:
    virtual ~DrillCut() = default;
    // Drops the group's TCP traffic from now on.
    virtual void cut() = 0;
};

// The pair attached to the group at `directory`, passing everything, or null with `problem`.
std::unique_ptr<DrillCut> attach_drill_cut(const std::string& directory, std::string& problem);

}  // namespace kashim
