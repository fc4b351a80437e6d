#include "scenarios.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <thread>

extern char** environ;

namespace kashim_bench {

void die(const char* what) {
    std::fprintf(stderr, "kashim_bench: %s: %s\n", what, std::strerror(errno));
    std::exit(2);
}

long checked(long result, const char* what) {
    if (result < 0) die(what);
    return result;
}

const char* trivial_program_path() { return KASHIM_BENCH_TRIVIAL_PROGRAM; }

namespace {

int new_socket(int domain, int type) { return static_cast<int>(checked(socket(domain, type, 0), "socket")); }

}  // namespace

sockaddr_in bind_loopback(int fd) {
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    checked(bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address), "bind 127.0.0.1");
    socklen_t length = sizeof address;
    checked(getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length), "getsockname");
    return address;
}

int option_on_outgoing_connection(int level, int name) {
    int listener = new_socket(AF_INET, SOCK_STREAM);
    sockaddr_in address = bind_loopback(listener);
    checked(listen(listener, 1), "listen");
    int client = new_socket(AF_INET, SOCK_STREAM);
    checked(connect(client, reinterpret_cast<const sockaddr*>(&address), sizeof address), "connect 127.0.0.1");
    int value = 0;
    socklen_t length = sizeof value;
    checked(getsockopt(client, level, name, &value, &length), "getsockopt");
    close(client);
    close(listener);
    return value;
}

namespace {

void create_and_close(int domain, int type, uint64_t operations) {
    for (uint64_t i = 0; i < operations; ++i) close(new_socket(domain, type));
}

// The options kashim sets on a TCP socket, in its order, with the values the variants use.
struct SocketOption {
    int level, name, value;
};
constexpr SocketOption kKeepaliveOptions[] = {
    {SOL_SOCKET, SO_KEEPALIVE, 1},
    {IPPROTO_TCP, TCP_KEEPIDLE, 30},
    {IPPROTO_TCP, TCP_KEEPINTVL, 10},
    {IPPROTO_TCP, TCP_KEEPCNT, 3},
    {IPPROTO_TCP, TCP_USER_TIMEOUT, 60000},
};
static_assert(sizeof kKeepaliveOptions / sizeof kKeepaliveOptions[0] == kKeepaliveOptionCount);

// Raw syscalls, which no preload library can intercept: the row must cost the same in every
// variant, so besides the unit it is a measure of the run's noise.
class SetsockoptSyscall final : public Scenario {
public:
    SetsockoptSyscall() : fd_(static_cast<int>(checked(syscall(SYS_socket, AF_INET, SOCK_STREAM, 0), "socket"))) {}
    ~SetsockoptSyscall() override { syscall(SYS_close, fd_); }

    void run(uint64_t operations) override {
        for (uint64_t i = 0; i < operations; ++i) {
            const SocketOption& option = kKeepaliveOptions[i % kKeepaliveOptionCount];
            checked(syscall(SYS_setsockopt, fd_, option.level, option.name, &option.value, sizeof option.value),
                    "setsockopt");
        }
    }

private:
    int fd_;
};

// The calls of the yardstick as a program would make them itself, on a socket it just made: a
// syscall costs more there than in the yardstick's tight loop, which keeps its code and data hot.
// Raw syscalls again, so the row is the same in every variant.
class SocketSetsockoptsClose final : public Scenario {
public:
    void run(uint64_t operations) override {
        for (uint64_t i = 0; i < operations; ++i) {
            long fd = checked(syscall(SYS_socket, AF_INET, SOCK_STREAM, 0), "socket");
            for (const SocketOption& option : kKeepaliveOptions)
                checked(syscall(SYS_setsockopt, fd, option.level, option.name, &option.value, sizeof option.value),
                        "setsockopt");
            syscall(SYS_close, fd);
        }
    }
};

template <int Domain, int Type>
class SocketAndClose final : public Scenario {
public:
    void run(uint64_t operations) override { create_and_close(Domain, Type, operations); }
};

// Both threads make TCP sockets at once, which is where sharing between threads would show
// (the kernel's descriptor table, and kashim's registry, one byte per descriptor number).
class TwoThreadsSocketAndClose final : public Scenario {
public:
    TwoThreadsSocketAndClose() : helper_([this] { serve(); }) {}

    ~TwoThreadsSocketAndClose() override {
        {
            std::lock_guard<std::mutex> lock(mutex_);
            stopping_ = true;
        }
        work_posted_.notify_all();
        helper_.join();
    }

    void run(uint64_t operations) override {
        uint64_t generation;
        {
            std::lock_guard<std::mutex> lock(mutex_);
            assigned_ = operations;
            generation = ++posted_;
        }
        work_posted_.notify_all();
        create_and_close(AF_INET, SOCK_STREAM, operations);
        std::unique_lock<std::mutex> lock(mutex_);
        work_done_.wait(lock, [&] { return finished_ == generation; });
    }

private:
    void serve() {
        uint64_t seen = 0;
        for (;;) {
            uint64_t operations;
            {
                std::unique_lock<std::mutex> lock(mutex_);
                work_posted_.wait(lock, [&] { return stopping_ || posted_ != seen; });
                if (stopping_) return;
                seen = posted_;
                operations = assigned_;
            }
            create_and_close(AF_INET, SOCK_STREAM, operations);
            {
                std::lock_guard<std::mutex> lock(mutex_);
                finished_ = seen;
            }
            work_done_.notify_all();
        }
    }

    std::mutex mutex_;
    std::condition_variable work_posted_, work_done_;
    uint64_t assigned_ = 0, posted_ = 0, finished_ = 0;
    bool stopping_ = false;
    std::thread helper_;  // last: starts once everything it uses exists
};

class LoopbackConnectAcceptClose final : public Scenario {
public:
    LoopbackConnectAcceptClose() : listener_(new_socket(AF_INET, SOCK_STREAM)) {
        // Accepted sockets inherit linger 0 from the listener, so closing them first resets
        // the connection: no TIME_WAIT piles up, and the ephemeral ports that other programs
        // on this machine need are never used up.
        linger abort_on_close{1, 0};
        checked(setsockopt(listener_, SOL_SOCKET, SO_LINGER, &abort_on_close, sizeof abort_on_close),
                "setsockopt SO_LINGER");
        address_ = bind_loopback(listener_);
        checked(listen(listener_, 64), "listen");
    }
    ~LoopbackConnectAcceptClose() override { close(listener_); }

    void run(uint64_t operations) override {
        for (uint64_t i = 0; i < operations; ++i) {
            int client = new_socket(AF_INET, SOCK_STREAM);
            checked(connect(client, reinterpret_cast<const sockaddr*>(&address_), sizeof address_),
                    "connect 127.0.0.1");
            close(static_cast<int>(checked(accept(listener_, nullptr, nullptr), "accept")));
            close(client);
        }
    }

private:
    int listener_;
    sockaddr_in address_{};
};

// What a stub resolver does per query: a fresh UDP socket connected to the server. The server
// socket only gives the connect a real destination of our own; nothing is sent.
class UdpResolverPattern final : public Scenario {
public:
    UdpResolverPattern() : server_(new_socket(AF_INET, SOCK_DGRAM)), address_(bind_loopback(server_)) {}
    ~UdpResolverPattern() override { close(server_); }

    void run(uint64_t operations) override {
        for (uint64_t i = 0; i < operations; ++i) {
            int fd = new_socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC);
            checked(connect(fd, reinterpret_cast<const sockaddr*>(&address_), sizeof address_), "connect UDP");
            close(fd);
        }
    }

private:
    int server_;
    sockaddr_in address_;
};

// connect() alone, on an address family kashim must not look at. An abstract-namespace name
// leaves no file behind.
class UnixDatagramConnect final : public Scenario {
public:
    UnixDatagramConnect() : server_(new_socket(AF_UNIX, SOCK_DGRAM)), client_(new_socket(AF_UNIX, SOCK_DGRAM)) {
        address_.sun_family = AF_UNIX;
        int length = std::snprintf(address_.sun_path + 1, sizeof address_.sun_path - 1, "kashim-bench-%d",
                                   static_cast<int>(getpid()));
        address_length_ = static_cast<socklen_t>(offsetof(sockaddr_un, sun_path) + 1 + length);
        checked(bind(server_, reinterpret_cast<const sockaddr*>(&address_), address_length_), "bind AF_UNIX");
    }
    ~UnixDatagramConnect() override {
        close(client_);
        close(server_);
    }

    void run(uint64_t operations) override {
        for (uint64_t i = 0; i < operations; ++i)
            checked(connect(client_, reinterpret_cast<const sockaddr*>(&address_), address_length_),
                    "connect AF_UNIX");
    }

private:
    int server_, client_;
    sockaddr_un address_{};
    socklen_t address_length_ = 0;
};

// An option kashim never pins, on a TCP socket kashim configured.
class SetsockoptPassThrough final : public Scenario {
public:
    SetsockoptPassThrough() : fd_(new_socket(AF_INET, SOCK_STREAM)) {}
    ~SetsockoptPassThrough() override { close(fd_); }

    void run(uint64_t operations) override {
        int on = 1;
        for (uint64_t i = 0; i < operations; ++i)
            checked(setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &on, sizeof on), "setsockopt TCP_NODELAY");
    }

private:
    int fd_;
};

// The child inherits this process's environment, LD_PRELOAD and KA_* included, so it starts
// exactly as the variant being measured.
class StartTrivialProgram final : public Scenario {
public:
    void run(uint64_t operations) override {
        char* argv[] = {const_cast<char*>(trivial_program_path()), nullptr};
        for (uint64_t i = 0; i < operations; ++i) {
            pid_t child;
            errno = posix_spawn(&child, argv[0], nullptr, nullptr, argv, environ);
            if (errno != 0) die(argv[0]);
            int status = 0;
            checked(waitpid(child, &status, 0), "waitpid");
            if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
                errno = ECHILD;
                die("the trivial program failed");
            }
        }
    }
};

template <typename T>
std::unique_ptr<Scenario> make() {
    return std::make_unique<T>();
}

}  // namespace

const std::vector<ScenarioInfo>& scenarios() {
    static const std::vector<ScenarioInfo> all = {
        {"setsockopt_syscall", "setsockopt() syscall, the yardstick", Target::Yardstick, true,
         make<SetsockoptSyscall>},
        {"tcp_socket", "TCP socket()+close()", Target::TcpSocket, true, make<SocketAndClose<AF_INET, SOCK_STREAM>>},
        {"tcp_socket_own_calls", "TCP socket()+5 setsockopt()+close() by the program", Target::CallsInContext, true,
         make<SocketSetsockoptsClose>},
        {"udp_socket", "UDP socket()+close()", Target::PassThrough, true, make<SocketAndClose<AF_INET, SOCK_DGRAM>>},
        {"unix_socket", "UNIX socket()+close()", Target::PassThrough, true,
         make<SocketAndClose<AF_UNIX, SOCK_STREAM>>},
        {"unix_connect", "UNIX datagram connect()", Target::PassThrough, true, make<UnixDatagramConnect>},
        {"udp_resolver", "UDP socket()+connect()+close()", Target::PassThrough, true, make<UdpResolverPattern>},
        {"setsockopt_passthrough", "setsockopt(TCP_NODELAY), passed through", Target::PassThrough, true,
         make<SetsockoptPassThrough>},
        {"tcp_loopback", "TCP loopback connect+accept+close", Target::Loopback, true,
         make<LoopbackConnectAcceptClose>},
        {"tcp_socket_2_threads", "TCP socket()+close(), 2 threads at once", Target::None, true,
         make<TwoThreadsSocketAndClose>},
        {"start_up", "start-up: spawn+wait of a trivial program", Target::StartUp, false, make<StartTrivialProgram>},
    };
    return all;
}

const ScenarioInfo* find_scenario(std::string_view id) {
    for (const ScenarioInfo& scenario : scenarios())
        if (scenario.id == id) return &scenario;
    return nullptr;
}

}  // namespace kashim_bench
