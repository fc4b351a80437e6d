// A stand-in for an unmodified program: it makes sockets the ways real programs do and prints
// what the kernel says about them, so the harness can compare runs with and without kashim.
// Usage: kashim_probe SCENARIO
#include <arpa/inet.h>
#include <fcntl.h>
#include <linux/close_range.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <string>
#include <thread>
#include <vector>

#include "probe_report.h"

namespace {

void die(const char* what) {
    std::fprintf(stderr, "probe: %s: %s\n", what, std::strerror(errno));
    std::exit(3);
}

// A socket made behind kashim's back, as a libc-internal path or a raw syscall would.
int raw_socket(int domain, int type) { return static_cast<int>(syscall(SYS_socket, domain, type, 0)); }

struct Loopback {
    sockaddr_storage address{};
    socklen_t length = 0;
};

Loopback loopback(int family, uint16_t port) {
    Loopback result;
    if (family == AF_INET) {
        auto* in = reinterpret_cast<sockaddr_in*>(&result.address);
        in->sin_family = AF_INET;
        in->sin_port = htons(port);
        in->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        result.length = sizeof(sockaddr_in);
    } else {
        auto* in6 = reinterpret_cast<sockaddr_in6*>(&result.address);
        in6->sin6_family = AF_INET6;
        in6->sin6_port = htons(port);
        in6->sin6_addr = in6addr_loopback;
        result.length = sizeof(sockaddr_in6);
    }
    return result;
}

// Binds `fd` to an ephemeral loopback port and listens; returns the address to connect to.
Loopback listen_on_loopback(int fd, int family) {
    Loopback address = loopback(family, 0);
    if (bind(fd, reinterpret_cast<sockaddr*>(&address.address), address.length) != 0) die("bind");
    if (listen(fd, 16) != 0) die("listen");
    if (getsockname(fd, reinterpret_cast<sockaddr*>(&address.address), &address.length) != 0) die("getsockname");
    return address;
}

int connect_to(int fd, const Loopback& address) {
    return connect(fd, reinterpret_cast<const sockaddr*>(&address.address), address.length);
}

void report_call(const char* label, int result) {
    std::printf("%s ret=%d errno=%s\n", label, result, result < 0 ? strerrorname_np(errno) : "-");
}

void client_listener_accepted(int family, bool with_flags) {
    int flags = with_flags ? SOCK_NONBLOCK | SOCK_CLOEXEC : 0;
    int listener = socket(family, SOCK_STREAM | flags, 0);
    int client = socket(family, SOCK_STREAM | flags, IPPROTO_TCP);
    if (listener < 0 || client < 0) die("socket");
    Loopback address = listen_on_loopback(listener, family);
    if (connect_to(client, address) != 0 && errno != EINPROGRESS) die("connect");
    if (with_flags) fcntl(listener, F_SETFL, 0);
    int accepted = with_flags ? accept4(listener, nullptr, nullptr, SOCK_CLOEXEC) : accept(listener, nullptr, nullptr);
    if (accepted < 0) die("accept");
    report_socket("listener", listener);
    report_socket("client", client);
    report_socket("accepted", accepted);
}

void scenario_tcp4() { client_listener_accepted(AF_INET, false); }
void scenario_tcp6() { client_listener_accepted(AF_INET6, false); }
void scenario_tcp4_flags() { client_listener_accepted(AF_INET, true); }
void scenario_tcp6_flags() { client_listener_accepted(AF_INET6, true); }

void scenario_not_tcp() {
    report_socket("udp4", socket(AF_INET, SOCK_DGRAM, 0));
    report_socket("udp6", socket(AF_INET6, SOCK_DGRAM | SOCK_CLOEXEC, 0));
    report_socket("unix", socket(AF_UNIX, SOCK_STREAM, 0));
    report_socket("seqpacket", socket(AF_UNIX, SOCK_SEQPACKET, 0));
    // A connected UDP socket, as a resolver uses one, stays untouched too.
    int udp = socket(AF_INET, SOCK_DGRAM, 0);
    Loopback address = loopback(AF_INET, 9);
    connect_to(udp, address);
    report_socket("udp-connected", udp);
}

// TCP sockets kashim never saw made get their settings at connect() and on accept().
void scenario_unseen_sockets() {
    int listener = raw_socket(AF_INET, SOCK_STREAM);
    Loopback address = listen_on_loopback(listener, AF_INET);
    int client = raw_socket(AF_INET, SOCK_STREAM);
    report_socket("raw-before-connect", client);
    if (connect_to(client, address) != 0) die("connect");
    int accepted = accept(listener, nullptr, nullptr);
    report_socket("raw-client", client);
    report_socket("raw-listener-accepted", accepted);
    report_socket("raw-listener", listener);
}

// A number once held by a socket kashim knew must not vouch for the socket that reuses it.
void scenario_reused_numbers() {
    int listener = socket(AF_INET, SOCK_STREAM, 0);
    Loopback address = listen_on_loopback(listener, AF_INET);
    for (int type : {SOCK_STREAM, SOCK_DGRAM}) {
        int first = socket(AF_INET, type, 0);
        close(first);
        int reused = raw_socket(AF_INET, SOCK_STREAM);
        if (reused != first) die("the number was not reused");
        if (connect_to(reused, address) != 0) die("connect");
        report_socket(type == SOCK_STREAM ? "reused-after-tcp" : "reused-after-udp", reused);
        close(reused);
    }
    int first = socket(AF_INET, SOCK_STREAM, 0);
    close_range(static_cast<unsigned>(first), ~0U, 0);
    int reused = raw_socket(AF_INET, SOCK_STREAM);
    if (reused != first) die("the number was not reused");
    if (connect_to(reused, address) != 0) die("connect");
    report_socket("reused-after-close-range", reused);
    // dup2 onto a number makes it the duplicated socket, known or not.
    int udp = socket(AF_INET, SOCK_DGRAM, 0);
    int tcp = raw_socket(AF_INET, SOCK_STREAM);
    dup2(tcp, udp);
    if (connect_to(udp, address) != 0) die("connect");
    report_socket("dup2-onto-udp", udp);
}

void scenario_application_setsockopt() {
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    int sixty = 60, zero = 0, one = 1;
    report_call("set-idle-60", setsockopt(fd, IPPROTO_TCP, TCP_KEEPIDLE, &sixty, sizeof sixty));
    report_call("set-intvl-60", setsockopt(fd, IPPROTO_TCP, TCP_KEEPINTVL, &sixty, sizeof sixty));
    report_call("set-keepalive-0", setsockopt(fd, SOL_SOCKET, SO_KEEPALIVE, &zero, sizeof zero));
    report_call("set-idle-0", setsockopt(fd, IPPROTO_TCP, TCP_KEEPIDLE, &zero, sizeof zero));  // Node's
    report_call("set-idle-short", setsockopt(fd, IPPROTO_TCP, TCP_KEEPIDLE, &sixty, 2));
    report_call("set-nodelay-1", setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one));
    std::printf("nodelay=%d\n", socket_option(fd, IPPROTO_TCP, TCP_NODELAY));
    report_socket("after-app", fd);
}

// A non-blocking connect is retried after EINPROGRESS; kashim must not apply again on the retry,
// which would undo what the program set in between (visible under the respect policy).
void scenario_connect_retry() {
    int listener = socket(AF_INET, SOCK_STREAM, 0);
    Loopback address = listen_on_loopback(listener, AF_INET);
    int fd = raw_socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK);
    report_call("first-connect", connect_to(fd, address) == 0 ? 0 : (errno == EINPROGRESS ? 0 : -1));
    int seventy_seven = 77;
    setsockopt(fd, IPPROTO_TCP, TCP_KEEPIDLE, &seventy_seven, sizeof seventy_seven);
    connect_to(fd, address);
    report_socket("after-retry", fd);
}

// Failing calls return what the kernel said, with the kernel's errno, shim or no shim.
void scenario_errors() {
    report_call("socket-bad-type", socket(AF_INET, 999, 0));
    report_call("socket-bad-family", socket(12345, SOCK_STREAM, 0));
    report_call("socket-bad-protocol", socket(AF_INET, SOCK_STREAM, IPPROTO_UDP));
    Loopback closed_port = loopback(AF_INET, 1);
    report_call("connect-bad-fd", connect_to(-1, closed_port));
    report_call("connect-not-socket", connect_to(0 /* stdin */, closed_port));
    int refused = socket(AF_INET, SOCK_STREAM, 0);
    report_call("connect-refused", connect_to(refused, closed_port));
    int nonblocking = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
    int listener = socket(AF_INET, SOCK_STREAM, 0);
    Loopback address = listen_on_loopback(listener, AF_INET);
    int in_progress = connect_to(nonblocking, address);
    std::printf("connect-nonblocking %s\n", in_progress == 0 || errno == EINPROGRESS ? "ok" : "wrong");
    int v6 = socket(AF_INET6, SOCK_STREAM, 0);
    report_call("connect-wrong-family", connect_to(v6, loopback(AF_INET, 1)));
    report_call("accept-not-listening", accept(refused, nullptr, nullptr));
    report_call("accept-bad-fd", accept(-1, nullptr, nullptr));
    report_call("accept4-bad-flags", accept4(listener, nullptr, nullptr, 0x7fffffff));
    int sixty = 60;
    report_call("setsockopt-bad-fd", setsockopt(-1, IPPROTO_TCP, TCP_KEEPIDLE, &sixty, sizeof sixty));
    report_call("setsockopt-udp-tcp-level", setsockopt(socket(AF_INET, SOCK_DGRAM, 0), IPPROTO_TCP, TCP_KEEPIDLE, &sixty, sizeof sixty));
    report_call("close-bad-fd", close(-1));
    report_call("dup2-bad-fd", dup2(-1, 100));
    errno = EXDEV;  // a successful call leaves errno alone; so must kashim's own work inside it
    int fine = socket(AF_INET, SOCK_STREAM, 0);
    std::printf("errno-after-success fd-ok=%d errno=%s\n", fine >= 0, strerrorname_np(errno));
    errno = EXDEV;
    connect_to(fine, address);
    std::printf("errno-after-connect errno=%s\n", strerrorname_np(errno));
    rlimit limit{static_cast<rlim_t>(fine + 1), static_cast<rlim_t>(fine + 1)};
    setrlimit(RLIMIT_NOFILE, &limit);
    report_call("socket-emfile", socket(AF_INET, SOCK_STREAM, 0));
}

void scenario_threads() {
    constexpr int kThreads = 16, kSocketsEach = 200;
    std::atomic<int> wrong{0}, made{0};
    std::atomic<bool> go{false};
    std::vector<std::thread> threads;
    for (int t = 0; t < kThreads; ++t) {
        threads.emplace_back([&, t] {
            while (!go.load()) {
            }
            for (int i = 0; i < kSocketsEach; ++i) {
                int fd = socket(t % 2 ? AF_INET6 : AF_INET, SOCK_STREAM, 0);
                if (fd < 0) continue;
                ++made;
                if (socket_option(fd, SOL_SOCKET, SO_KEEPALIVE) != 1 || socket_option(fd, IPPROTO_TCP, TCP_KEEPIDLE) != 10)
                    ++wrong;
                close(fd);
            }
        });
    }
    go = true;
    for (auto& thread : threads) thread.join();
    std::printf("threads made=%d without-settings=%d\n", made.load(), wrong.load());
}

volatile sig_atomic_t g_socket_from_handler = -1;

void make_socket_in_handler(int) { g_socket_from_handler = socket(AF_INET, SOCK_STREAM, 0); }

void scenario_signal_handler() {
    struct sigaction action {};
    action.sa_handler = make_socket_in_handler;
    sigaction(SIGALRM, &action, nullptr);
    raise(SIGALRM);
    report_socket("from-signal-handler", g_socket_from_handler);
}

void scenario_fork() {
    pid_t child = fork();
    if (child == 0) {
        report_socket("forked-child", socket(AF_INET, SOCK_STREAM, 0));
        std::fflush(stdout);
        _exit(0);
    }
    waitpid(child, nullptr, 0);
    child = fork();
    if (child == 0) {
        execl("/proc/self/exe", "kashim_probe", "single", static_cast<char*>(nullptr));
        _exit(127);
    }
    waitpid(child, nullptr, 0);
}

void scenario_single() { report_socket("exec-child", socket(AF_INET, SOCK_STREAM, 0)); }

// Sockets of every kind and the connects a program makes, with no getsockopt of its own, so a
// syscall trace shows exactly what kashim adds.
void scenario_syscalls() {
    socket(AF_INET, SOCK_STREAM, 0);
    int udp = socket(AF_INET, SOCK_DGRAM, 0);
    int unix_stream = socket(AF_UNIX, SOCK_STREAM, 0);
    socket(AF_NETLINK, SOCK_RAW, 0);
    socket(AF_INET6, SOCK_DGRAM, 0);
    sockaddr_un nowhere{};
    nowhere.sun_family = AF_UNIX;
    std::strcpy(nowhere.sun_path, "/nonexistent/kashim-probe");
    connect(unix_stream, reinterpret_cast<sockaddr*>(&nowhere), sizeof nowhere);
    connect_to(udp, loopback(AF_INET, 9));
    int one = 1;
    setsockopt(udp, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
}

uint16_t port_from_env(const char* name) {
    const char* value = std::getenv(name);
    if (value == nullptr) die(name);
    return static_cast<uint16_t>(std::atoi(value));
}

// Connections to several loopback addresses and two ports, for rules to tell apart. The
// listeners are dual-stack, so IPv4 peers arrive as IPv4-mapped IPv6 addresses.
void scenario_rules() {
    uint16_t ports[2] = {port_from_env("PROBE_PORT_A"), port_from_env("PROBE_PORT_B")};
    int listeners[2];
    for (int i = 0; i < 2; ++i) {
        listeners[i] = socket(AF_INET6, SOCK_STREAM, 0);
        int zero = 0, one = 1;
        setsockopt(listeners[i], IPPROTO_IPV6, IPV6_V6ONLY, &zero, sizeof zero);
        setsockopt(listeners[i], SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
        Loopback any = loopback(AF_INET6, ports[i]);
        reinterpret_cast<sockaddr_in6*>(&any.address)->sin6_addr = in6addr_any;
        if (bind(listeners[i], reinterpret_cast<sockaddr*>(&any.address), any.length) != 0) die("bind");
        if (listen(listeners[i], 8) != 0) die("listen");
    }
    struct Target {
        const char* label;
        int family;
        const char* address;
        int port_index;
    } targets[] = {{"to-127.0.0.1-A", AF_INET, "127.0.0.1", 0}, {"to-127.0.0.2-A", AF_INET, "127.0.0.2", 0},
                   {"to-::1-A", AF_INET6, "::1", 0}, {"to-127.0.0.1-B", AF_INET, "127.0.0.1", 1}};
    for (const Target& target : targets) {
        Loopback address = loopback(target.family, ports[target.port_index]);
        void* where = target.family == AF_INET
                          ? static_cast<void*>(&reinterpret_cast<sockaddr_in*>(&address.address)->sin_addr)
                          : static_cast<void*>(&reinterpret_cast<sockaddr_in6*>(&address.address)->sin6_addr);
        inet_pton(target.family, target.address, where);
        int client = socket(target.family, SOCK_STREAM, 0);
        if (std::strcmp(target.address, "127.0.0.2") == 0) {
            // From 127.0.0.2 too, or the kernel picks 127.0.0.1 as the source and the accepted
            // side would never see this address.
            Loopback source = loopback(AF_INET, 0);
            inet_pton(AF_INET, "127.0.0.2", &reinterpret_cast<sockaddr_in*>(&source.address)->sin_addr);
            if (bind(client, reinterpret_cast<sockaddr*>(&source.address), source.length) != 0) die("bind");
        }
        if (connect_to(client, address) != 0) die("connect");
        int accepted = accept(listeners[target.port_index], nullptr, nullptr);
        report_socket(target.label, client);
        std::string accepted_label = std::string("from-") + (target.label + 3);
        report_socket(accepted_label.c_str(), accepted);
    }
    report_socket("listener-A", listeners[0]);
    report_socket("listener-B", listeners[1]);
}

struct Scenario {
    const char* name;
    void (*run)();
};

constexpr Scenario kScenarios[] = {
    {"tcp4", scenario_tcp4},
    {"tcp6", scenario_tcp6},
    {"tcp4-flags", scenario_tcp4_flags},
    {"tcp6-flags", scenario_tcp6_flags},
    {"not-tcp", scenario_not_tcp},
    {"unseen-sockets", scenario_unseen_sockets},
    {"reused-numbers", scenario_reused_numbers},
    {"application-setsockopt", scenario_application_setsockopt},
    {"connect-retry", scenario_connect_retry},
    {"errors", scenario_errors},
    {"threads", scenario_threads},
    {"signal-handler", scenario_signal_handler},
    {"fork", scenario_fork},
    {"single", scenario_single},
    {"rules", scenario_rules},
    {"syscalls", scenario_syscalls},
};

}  // namespace

int main(int argc, char** argv) {
    if (argc == 2) {
        for (const Scenario& scenario : kScenarios) {
            if (std::strcmp(argv[1], scenario.name) == 0) {
                scenario.run();
                return 0;
            }
        }
    }
    std::fprintf(stderr, "usage: kashim_probe SCENARIO\n");
    return 2;
}
