// One program under test, alone in a namespace with a peer the harness plays: first a live but
// silent one, then, once the connection is idle, a dead one (the namespace's loopback is cut).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "harness/child_process.h"
#include "network_namespace.h"

namespace e2e {

using harness::ChildExit;
using harness::ChildProcess;
using harness::ChildSpec;
using harness::Clock;
using harness::CommandResult;
using harness::find_program;
using harness::run_command;

// Every run has a namespace of its own, so one fixed address is always free and never shared.
constexpr const char* kHost = "127.0.0.1";
constexpr uint16_t kPort = 4242;

enum class Role {
    Client,  // the program connects to kHost:kPort, where the harness accepts and never answers
    Server,  // the program listens on kHost:kPort; the harness connects and never sends
    // The program connects to kHost:kPort, where the harness listens with a full queue: the
    // kernel drops the program's SYNs, as a dead host would. No connection to await.
    UnansweredClient,
    // The program connects to kHost:kPort, where nobody listens: its SYN is answered by a reset.
    RefusedClient,
};

class DeadPeerRun {
public:
    // Starts the program at once, so several runs can get ready side by side. The service is
    // on kHost:`port` (a rule may tell ports apart).
    DeadPeerRun(Role role, const std::vector<std::string>& argv, const std::vector<std::string>& env,
                uint16_t port = kPort);

    // Returns once the connection is established and nothing has crossed it for a while: no
    // data is in flight when the peer dies, so only keepalive can notice. Throws if the program
    // ends or closes the connection first, or at `deadline`.
    void await_idle_connection(Clock::time_point deadline);

    // From now on the peer is dead: nothing reaches it and nothing comes back.
    void cut();
    // The peer closes its end normally (a FIN), alive: the program's reads see the end.
    void close_peer() { peer_.reset(); }
    Clock::time_point cut_at() const { return cut_at_; }

    ChildProcess& program() { return *program_; }

private:
    void accept_from_program(Clock::time_point deadline);
    void connect_to_program(Clock::time_point deadline);
    void wait_until_quiet(Clock::time_point deadline);
    void fail_if_program_ended(const std::string& while_doing);

    Role role_;
    uint16_t port_;
    // Declaration order is destruction order, reversed: the program is killed and the sockets
    // closed before the namespace goes.
    NetworkNamespace namespace_;
    UniqueFd listener_;
    UniqueFd queue_filler_;  // UnansweredClient: the one connection the listener's queue holds
    std::unique_ptr<ChildProcess> program_;
    UniqueFd peer_;
    Clock::time_point cut_at_{};
};

}  // namespace e2e
