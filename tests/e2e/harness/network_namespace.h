// A private network namespace with a unique name, holding nothing but its own loopback: what a
// test does inside it cannot reach any other address, and tests running in parallel cannot see
// each other. The name is removed on every path out of the owning scope, exceptions included;
// if the harness is killed outright (a ctest timeout), the next harness to start removes it.
#pragma once

#include <string>

#include "harness/unique_fd.h"

namespace e2e {

using harness::UniqueFd;

class NetworkNamespace {
public:
    // Why this process cannot make namespaces (not root, no `ip`), or empty when it can.
    static std::string unavailable_reason();

    NetworkNamespace();  // created with its loopback up
    NetworkNamespace(const NetworkNamespace&) = delete;
    NetworkNamespace& operator=(const NetworkNamespace&) = delete;

    const std::string& name() const { return registration_.name; }
    int fd() const { return fd_.get(); }  // for setns() in a child

    // A socket that belongs to this namespace whatever thread later uses it.
    UniqueFd make_socket(int domain, int type) const;

    // The same as `ip link set lo up|down` inside it. Down, every local route goes: nothing
    // sent reaches the other end and nothing comes back, as with a crashed host.
    void set_loopback_up(bool up);

private:
    struct Registration {
        Registration();
        ~Registration();  // `ip netns del`
        Registration(const Registration&) = delete;
        Registration& operator=(const Registration&) = delete;
        std::string name;
    };

    // First member: if anything below throws in the constructor, the name is still removed.
    Registration registration_;
    UniqueFd fd_;
    UniqueFd control_;  // for the interface ioctls
};

}  // namespace e2e
