#include "dead_peer_run.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>

#include <cerrno>
#include <stdexcept>
#include <system_error>
#include <thread>

namespace e2e {
namespace {

using std::chrono::milliseconds;

// Long enough for a client's request (curl's GET, libpq's startup packet) to arrive and be
// acknowledged on loopback, short against the seconds the timers take.
constexpr milliseconds kQuietPeriod{500};
constexpr milliseconds kRetryInterval{50};

sockaddr_in service_address(uint16_t port) {
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(port);
    inet_pton(AF_INET, kHost, &address.sin_addr);
    return address;
}

int poll_timeout(Clock::time_point deadline, milliseconds at_most) {
    auto left = std::chrono::ceil<milliseconds>(deadline - Clock::now());
    if (left < milliseconds(0)) left = milliseconds(0);
    return static_cast<int>(std::min(left, at_most).count());
}

[[noreturn]] void throw_errno(const std::string& what) {
    throw std::system_error(errno, std::generic_category(), what);
}

}  // namespace

DeadPeerRun::DeadPeerRun(Role role, const std::vector<std::string>& argv, const std::vector<std::string>& env,
                         uint16_t port)
    : role_(role), port_(port) {
    if (role_ == Role::Client || role_ == Role::UnansweredClient) {
        // Listening before the program starts, so its connect can never be refused.
        listener_ = namespace_.make_socket(AF_INET, SOCK_STREAM);
        sockaddr_in address = service_address(port_);
        // A backlog of 0 holds one connection not yet accepted; once it does, Linux drops every
        // further SYN (tcp_conn_request(): the accept queue is full), answering nothing.
        int backlog = role_ == Role::Client ? 8 : 0;
        if (bind(listener_.get(), reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 ||
            listen(listener_.get(), backlog) != 0)
            throw_errno("silent server on " + std::string(kHost));
        if (role_ == Role::UnansweredClient) {
            queue_filler_ = namespace_.make_socket(AF_INET, SOCK_STREAM);
            if (connect(queue_filler_.get(), reinterpret_cast<sockaddr*>(&address), sizeof address) != 0)
                throw_errno("filling the listener's queue");
        }
    }
    program_ = std::make_unique<ChildProcess>(ChildSpec{argv, env, namespace_.fd()});
}

void DeadPeerRun::await_idle_connection(Clock::time_point deadline) {
    if (role_ == Role::Client) accept_from_program(deadline);
    else connect_to_program(deadline);
    wait_until_quiet(deadline);
}

void DeadPeerRun::fail_if_program_ended(const std::string& while_doing) {
    if (std::optional<ChildExit> exit = program_->wait_until(Clock::now()))
        throw std::runtime_error(program_->name() + " ended (" + exit->describe() + ") " + while_doing +
                                 ":\n" + program_->output());
}

void DeadPeerRun::accept_from_program(Clock::time_point deadline) {
    for (;;) {
        fail_if_program_ended("before connecting");
        pollfd listening{listener_.get(), POLLIN, 0};
        if (poll(&listening, 1, poll_timeout(deadline, kRetryInterval)) > 0) break;
        if (Clock::now() >= deadline)
            throw std::runtime_error(program_->name() + " did not connect in time:\n" + program_->output());
    }
    peer_.reset(accept4(listener_.get(), nullptr, nullptr, SOCK_CLOEXEC));
    if (!peer_) throw_errno("accept");
}

void DeadPeerRun::connect_to_program(Clock::time_point deadline) {
    sockaddr_in address = service_address(port_);
    for (;;) {
        fail_if_program_ended("before accepting");
        UniqueFd attempt = namespace_.make_socket(AF_INET, SOCK_STREAM);
        if (connect(attempt.get(), reinterpret_cast<sockaddr*>(&address), sizeof address) == 0) {
            peer_ = std::move(attempt);
            return;
        }
        if (errno != ECONNREFUSED) throw_errno("connect to " + program_->name());
        if (Clock::now() >= deadline)
            throw std::runtime_error(program_->name() + " did not listen in time:\n" + program_->output());
        std::this_thread::sleep_for(kRetryInterval);
    }
}

void DeadPeerRun::wait_until_quiet(Clock::time_point deadline) {
    // What the program sends (a request) is read and dropped: the peer stays silent, and the
    // connection carries no unacknowledged data when it is cut.
    Clock::time_point quiet_since = Clock::now();
    while (Clock::now() - quiet_since < kQuietPeriod) {
        if (Clock::now() >= deadline)
            throw std::runtime_error(program_->name() + " kept sending until the deadline");
        fail_if_program_ended("while the connection was alive");
        pollfd connection{peer_.get(), POLLIN, 0};
        if (poll(&connection, 1, poll_timeout(deadline, milliseconds(50))) <= 0) continue;
        char buffer[4096];
        ssize_t got = recv(peer_.get(), buffer, sizeof buffer, 0);
        if (got <= 0)
            throw std::runtime_error(program_->name() + " closed the connection before the cut:\n" +
                                     program_->output());
        quiet_since = Clock::now();
    }
}

void DeadPeerRun::cut() {
    namespace_.set_loopback_up(false);
    cut_at_ = Clock::now();
}

}  // namespace e2e
