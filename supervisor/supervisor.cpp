#include "supervisor.h"

#include <linux/seccomp.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <fcntl.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <unordered_map>
#include <vector>

#include "core/socket_configurator.h"
#include "log/logger.h"
#include "notify_filter.h"
#include "runner/in_place.h"
#include "target_process.h"

namespace kashim {
namespace {

void say(const std::string& line) {
    std::string text = "kashim: " + line + "\n";
    ssize_t ignored = write(STDERR_FILENO, text.data(), text.size());
    (void)ignored;
}

bool is_tcp(int fd) {
    int idle = 0;
    socklen_t length = sizeof idle;
    return getsockopt(fd, IPPROTO_TCP, TCP_KEEPIDLE, &idle, &length) == 0;
}

uint64_t cookie_of(int fd) {
    uint64_t cookie = 0;
    socklen_t length = sizeof cookie;
    return getsockopt(fd, SOL_SOCKET, SO_COOKIE, &cookie, &length) == 0 ? cookie : 0;
}

// The decisions for one notification at a time; the supervisor is single-threaded.
class SocketPolicy {
public:
    SocketPolicy(const Config& config, const KernelKeepalive& kernel)
        : config_(config), plans_(build_plans(config, kernel)) {}

    // Fills `response` for `request`: continue the call (after configuring its socket), or answer
    // an overridden setsockopt with 0 without running it.
    void decide(int listener, const seccomp_notif& request, seccomp_notif_resp& response) {
        response.id = request.id;
        response.flags = SECCOMP_USER_NOTIF_FLAG_CONTINUE;
        response.error = 0;
        response.val = 0;
        pid_t thread = static_cast<pid_t>(request.pid);
        // A connect's address is read first: UNIX and UDP connects, the common ones, then cost
        // one read of the program's memory and nothing more.
        sockaddr_storage peer{};
        socklen_t peer_length = 0;
        if (request.data.nr == __NR_connect && !read_inet_peer(request, peer, peer_length)) return;
        UniqueFd thread_fd = open_thread(thread);
        // The thread must still be waiting in this very call, or its id may name another thread
        // by now: only then is what pidfd_open found the right one.
        if (!thread_fd || ioctl(listener, SECCOMP_IOCTL_NOTIF_ID_VALID, &request.id) != 0) return;
        int fd = static_cast<int>(request.data.args[0]);
        UniqueFd socket = take_descriptor(thread_fd.get(), fd);
        if (!socket || !is_tcp(socket.get())) return;
        Record& record = record_for(cookie_of(socket.get()));
        switch (request.data.nr) {
            case __NR_connect:
                return on_connect(socket.get(), record, reinterpret_cast<const sockaddr*>(&peer), peer_length, thread, fd);
            case __NR_listen: return on_listen(socket.get(), record, thread, fd);
            case __NR_setsockopt: return on_setsockopt(request, socket.get(), record, response);
        }
    }

private:
    struct Record {
        bool configured = false;
        int rule = -1;            // whose plan it carries, -1 for the global settings
        uint8_t pinned = 0;       // the options whose operator value the policy defends
        uint8_t program_set = 0;  // what the program set first, weighed under the policy
    };

    // Keyed by the socket's cookie, which no other socket ever has: a reused descriptor number
    // cannot be mistaken for the socket that had it. Sockets close unseen, so the map is bounded
    // by starting over; what that forgets costs at most one more configuration of a live socket.
    Record& record_for(uint64_t cookie) {
        if (records_.size() >= kMaxRecords) records_.clear();
        return records_[cookie];
    }

    static bool read_inet_peer(const seccomp_notif& request, sockaddr_storage& peer, socklen_t& length) {
        length = static_cast<socklen_t>(std::min<uint64_t>(request.data.args[2], sizeof peer));
        return length >= sizeof(sa_family_t) &&
               read_memory(static_cast<pid_t>(request.pid), request.data.args[1], &peer, length) &&
               is_inet_family(peer.ss_family);
    }

    // A socket of the program's, for the core's configure_socket: the supervisor's record of it
    // takes the outcome, and its debug line names the program's thread and descriptor.
    struct SupervisedSocket : TakenSocket {
        SocketPolicy& policy;
        Record& record;
        pid_t thread;
        int fd;

        void refused(const SocketOption& option, int error) const { policy.report_refusal_once(option, error); }
        void configured(const SocketConfiguration& configuration, uint8_t pinned) const {
            record.configured = true;
            record.rule = configuration.rule;
            record.pinned = pinned;
        }
        bool wants_line() const { return log_wanted(LogLevel::Debug); }
        void start_line(MessageText& line) const {
            line.add("kashim: thread ").add_signed(thread).add(" fd ").add_signed(fd).add(' ');
        }
        void finish_line(MessageText& line) const { log_line(LogLevel::Debug, line); }
    };

    // The core decides; the supervisor gathers the facts from the socket it took and calls the kernel.
    void configure(int socket, Record& record, const Connection& connection, const char* event, pid_t thread, int fd) {
        SupervisedSocket supervised{{socket}, *this, record, thread, fd};
        configure_socket(config_, plans_, connection, record.program_set, event, supervised);
    }

    void on_connect(int socket, Record& record, const sockaddr* peer, socklen_t length, pid_t thread, int fd) {
        if (record.configured) return;  // a non-blocking connect retried
        configure(socket, record, {Direction::Out, peer, length, port_of(peer, length)}, "connect to", thread, fd);
    }

    // Accepted connections inherit the listener's settings. Rules on the peer's address cannot
    // be told apart here (accept is not stopped), so inbound connections match by port alone.
    void on_listen(int socket, Record& record, pid_t thread, int fd) {
        if (record.configured) return;
        Connection listening{Direction::In, nullptr, 0, local_port(socket, getsockname)};
        configure(socket, record, listening, "listening", thread, fd);
    }

    void on_setsockopt(const seccomp_notif& request, int socket, Record& record, seccomp_notif_resp& response) {
        int level = static_cast<int>(request.data.args[1]), name = static_cast<int>(request.data.args[2]);
        uint8_t option = keepalive_option_bit(level, name);
        if (!record.configured) adopt_accepted(socket, record);
        if (!record.configured) {
            record.program_set |= option;  // set before connect: weighed when the socket is configured
            return;
        }
        // The value lives in the program's memory; unreadable counts as no value (the kernel answers).
        int asked = 0;
        unsigned length = static_cast<unsigned>(request.data.args[4]);
        bool readable = request.data.args[3] != 0 && length >= sizeof asked &&
                        read_memory(static_cast<pid_t>(request.pid), request.data.args[3], &asked, sizeof asked);
        if (judge_program_setsockopt(config_.policy, plan_for_rule(plans_, record.rule), record.pinned, level, name,
                                     readable ? &asked : nullptr, length) == ProgramCall::AnsweredByKashim) {
            response.flags = 0;  // answered 0 without running: the operator's value stands
            if (log_wanted(LogLevel::Debug)) {
                MessageText line;
                line.add("kashim: thread ").add_signed(static_cast<pid_t>(request.pid)).add(" fd ");
                line.add_signed(static_cast<int>(request.data.args[0])).add(": ");
                describe_kept(line, level, name, asked);
                log_line(LogLevel::Debug, line);
            }
        }
    }

    // A connected socket kashim never configured is an accepted one, which inherited from its
    // listener what the inbound settings for its port give.
    void adopt_accepted(int socket, Record& record) {
        sockaddr_storage peer{};
        socklen_t length = sizeof peer;
        if (getpeername(socket, reinterpret_cast<sockaddr*>(&peer), &length) != 0) return;
        int rule = match_rule(config_.rules, {Direction::In, nullptr, 0, local_port(socket, getsockname)});
        const SocketPlan& plan = plan_for_rule(plans_, rule);
        record.configured = plan.count != 0;
        record.rule = rule;
        record.pinned = plan.pinned;
    }

    void report_refusal_once(const SocketOption& option, int error) {
        if ((refusals_reported_ & option.bit) != 0) return;
        refusals_reported_ |= option.bit;
        MessageText line;
        describe_refusal(line, option, strerror(error));
        log_line(LogLevel::Warn, line);
    }

    static constexpr size_t kMaxRecords = 65536;
    uint8_t refusals_reported_ = 0;
    const Config& config_;
    PlanSet plans_;
    std::unordered_map<uint64_t, Record> records_;
};

// One byte of data carrying one descriptor (SCM_RIGHTS), the way the filter's listener travels
// from the program's side to the supervisor's.
struct DescriptorMessage {
    char byte = 0;
    iovec data{&byte, 1};
    alignas(cmsghdr) char control[CMSG_SPACE(sizeof(int))] = {};
    msghdr header{};

    DescriptorMessage() {
        header.msg_iov = &data;
        header.msg_iovlen = 1;
        header.msg_control = control;
        header.msg_controllen = sizeof control;
    }
    DescriptorMessage(const DescriptorMessage&) = delete;
    DescriptorMessage& operator=(const DescriptorMessage&) = delete;
};

bool send_descriptor(int channel, int fd) {
    DescriptorMessage message;
    cmsghdr* control = CMSG_FIRSTHDR(&message.header);
    control->cmsg_level = SOL_SOCKET;
    control->cmsg_type = SCM_RIGHTS;
    control->cmsg_len = CMSG_LEN(sizeof(int));
    std::memcpy(CMSG_DATA(control), &fd, sizeof fd);
    return sendmsg(channel, &message.header, 0) == 1;
}

UniqueFd receive_descriptor(int channel) {
    DescriptorMessage message;
    if (recvmsg(channel, &message.header, MSG_CMSG_CLOEXEC) != 1) return UniqueFd();
    cmsghdr* control = CMSG_FIRSTHDR(&message.header);
    if (control == nullptr || control->cmsg_type != SCM_RIGHTS) return UniqueFd();
    int fd;
    std::memcpy(&fd, CMSG_DATA(control), sizeof fd);
    return UniqueFd(fd);
}

// Serves notifications until no process is left under the filter: the program and every
// descendant it left behind (a daemon's double fork), whose connect() would otherwise fail with
// ENOSYS.
void serve(int listener, SocketPolicy& policy) {
    seccomp_notif_sizes sizes{};
    syscall(SYS_seccomp, SECCOMP_GET_NOTIF_SIZES, 0, &sizes);
    std::vector<char> request_space(std::max<size_t>(sizes.seccomp_notif, sizeof(seccomp_notif)));
    std::vector<char> response_space(std::max<size_t>(sizes.seccomp_notif_resp, sizeof(seccomp_notif_resp)));
    auto* request = reinterpret_cast<seccomp_notif*>(request_space.data());
    auto* response = reinterpret_cast<seccomp_notif_resp*>(response_space.data());
    pollfd notifications{listener, POLLIN, 0};
    while (true) {
        if (poll(&notifications, 1, -1) < 0) {
            if (errno == EINTR) continue;
            return;
        }
        if (notifications.revents & (POLLHUP | POLLERR)) return;
        if ((notifications.revents & POLLIN) == 0) continue;
        std::memset(request_space.data(), 0, request_space.size());
        if (ioctl(listener, SECCOMP_IOCTL_NOTIF_RECV, request) != 0) continue;
        std::memset(response_space.data(), 0, response_space.size());
        policy.decide(listener, *request, *response);
        ioctl(listener, SECCOMP_IOCTL_NOTIF_SEND, response);  // ENOENT: the call was interrupted
    }
}

// Puts this process under the filter and hands its listener to the supervisor; 0 or the errno.
int install_filter(int channel) {
    std::vector<sock_filter> filter = build_notify_filter();
    sock_fprog program{static_cast<unsigned short>(filter.size()), filter.data()};
    if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0) return errno;
    int listener = static_cast<int>(
        syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, SECCOMP_FILTER_FLAG_NEW_LISTENER, &program));
    if (listener < 0) return errno;
    int error = send_descriptor(channel, listener) ? 0 : errno;
    close(listener);
    return error;
}

}  // namespace

std::string seccomp_unsupported_reason() {
    seccomp_notif_sizes sizes{};
    if (syscall(SYS_seccomp, SECCOMP_GET_NOTIF_SIZES, 0, &sizes) != 0)
        return std::string("seccomp user notification is not available (") + strerror(errno) +
               "); --seccomp needs Linux 5.9 or later";
    if (syscall(SYS_pidfd_getfd, -1, 0, 0) != 0 && errno == ENOSYS)
        return "pidfd_getfd is not available; --seccomp needs Linux 5.9 or later";
    return {};
}

int run_supervised(char* const argv[], char* const environment[], const Config& config,
                   const KernelKeepalive& kernel) {
    int channel[2];
    if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, channel) != 0) {
        say(std::string("cannot start the supervisor: ") + strerror(errno));
        return kExitFailure;
    }
    // The supervisor starts first: the filter is inherited by the processes made after it, and
    // the supervisor must not stop on its own calls.
    bool started = start_detached_helper([&] {
        close(channel[1]);
        UniqueFd listener = receive_descriptor(channel[0]);
        close(channel[0]);
        if (!listener) return;  // the filter could not be installed: nothing to serve
        SocketPolicy policy(config, kernel);
        serve(listener.get(), policy);
    });
    close(channel[0]);
    int error = started ? install_filter(channel[1]) : errno;
    close(channel[1]);
    if (error != 0) {
        say(std::string(started ? "cannot install the seccomp filter: " : "cannot start the supervisor: ") +
            strerror(error));
        return kExitFailure;
    }
    return exec_in_place(argv, environment);
}

}  // namespace kashim
