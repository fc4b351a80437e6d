// The hooks allocate nothing once kashim is loaded: every hook, through each of its paths, and
// every hot path the benchmark times, run while malloc_counter counts calls into the allocator,
// and the count must not move. Run with LD_PRELOAD=libkashim.so, KA_IDLE and debug logging (ctest
// sets them), so the logging paths are covered as well.
//
// A zero means something only if the counter is live and kashim is loaded, so both are checked:
// the counter must see the test's own malloc and an allocation libc makes on the caller's
// behalf (the way one in a hook would reach it), and new TCP sockets must carry KA_IDLE.
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

#include "malloc_counter.h"
#include "scenarios.h"

using namespace kashim_bench;

namespace {

int failures = 0;

template <typename Action>
uint64_t allocations_during(Action action) {
    uint64_t before = malloc_counter_allocations();
    action();
    return malloc_counter_allocations() - before;
}

template <typename Action>
void expect_no_allocations(const std::string& what, Action action) {
    uint64_t allocations = allocations_during(action);
    std::printf("%-8s %s: %llu allocations\n", allocations == 0 ? "ok" : "FAILED", what.c_str(),
                static_cast<unsigned long long>(allocations));
    if (allocations != 0) ++failures;
}

template <typename Action>
void expect_allocations(const std::string& what, Action action) {
    uint64_t allocations = allocations_during(action);
    std::printf("%-8s %s: %llu allocations (control: must be counted)\n", allocations != 0 ? "ok" : "FAILED",
                what.c_str(), static_cast<unsigned long long>(allocations));
    if (allocations == 0) ++failures;
}

int raw_tcp_socket() {
    return static_cast<int>(checked(syscall(SYS_socket, AF_INET, SOCK_STREAM, 0), "raw socket syscall"));
}

int option(int fd, int level, int name) {
    int value = -1;
    socklen_t length = sizeof value;
    checked(getsockopt(fd, level, name, &value, &length), "getsockopt");
    return value;
}

bool kashim_is_active() {
    const char* idle = std::getenv("KA_IDLE");
    int fd = static_cast<int>(checked(socket(AF_INET, SOCK_STREAM, 0), "socket"));
    bool active = idle != nullptr && option(fd, SOL_SOCKET, SO_KEEPALIVE) == 1 &&
                  option(fd, IPPROTO_TCP, TCP_KEEPIDLE) == std::atoi(idle);
    close(fd);
    return active;
}

// Each hook through each of its paths, in this process's first calls to them, so that resolving
// the real functions on first use is counted too.
void call_every_hook() {
    int tcp = static_cast<int>(checked(socket(AF_INET, SOCK_STREAM, 0), "socket TCP"));       // configured
    int udp = static_cast<int>(checked(socket(AF_INET, SOCK_DGRAM, 0), "socket UDP"));        // not managed
    int local = static_cast<int>(checked(socket(AF_UNIX, SOCK_STREAM, 0), "socket AF_UNIX"));  // not managed
    int idle = 5, on = 1;
    checked(setsockopt(tcp, IPPROTO_TCP, TCP_KEEPIDLE, &idle, sizeof idle), "setsockopt pinned");  // kept
    checked(setsockopt(tcp, IPPROTO_TCP, TCP_NODELAY, &on, sizeof on), "setsockopt pass-through");

    // A listener and a client kashim did not see made (socket activation, a raw syscall): each
    // is recognised on its first connect or accept.
    int listener = raw_tcp_socket();
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t length = sizeof address;
    checked(bind(listener, reinterpret_cast<sockaddr*>(&address), length), "bind");
    checked(getsockname(listener, reinterpret_cast<sockaddr*>(&address), &length), "getsockname");
    checked(listen(listener, 4), "listen");
    int unseen = raw_tcp_socket();
    const auto* peer = reinterpret_cast<const sockaddr*>(&address);
    checked(connect(tcp, peer, sizeof address), "connect known TCP");
    checked(connect(unseen, peer, sizeof address), "connect unseen TCP");
    checked(connect(udp, peer, sizeof address), "connect UDP");
    sockaddr_un nobody{};
    nobody.sun_family = AF_UNIX;
    std::strcpy(nobody.sun_path + 1, "kashim-nobody-listens");
    connect(local, reinterpret_cast<const sockaddr*>(&nobody), sizeof nobody);  // refused; not kashim's
    sockaddr_in accepted_from{};
    socklen_t accepted_length = sizeof accepted_from;
    int first = static_cast<int>(
        checked(accept(listener, reinterpret_cast<sockaddr*>(&accepted_from), &accepted_length), "accept"));
    accepted_length = sizeof accepted_from;
    int second = static_cast<int>(checked(
        accept4(listener, reinterpret_cast<sockaddr*>(&accepted_from), &accepted_length, SOCK_CLOEXEC), "accept4"));

    constexpr int kHighNumber = 900;  // far above anything this test has open
    checked(dup2(tcp, kHighNumber), "dup2");
    checked(dup3(tcp, kHighNumber + 1, O_CLOEXEC), "dup3");
    checked(close_range(kHighNumber, kHighNumber + 1, 0), "close_range");
    checked(dup2(tcp, kHighNumber + 2), "dup2");
    closefrom(kHighNumber + 2);
    for (int fd : {first, second, unseen, listener, local, udp, tcp}) close(fd);
}

}  // namespace

int main() {
    if (!kashim_is_active()) {
        std::fprintf(stderr, "kashim is not active: run with LD_PRELOAD=libkashim.so and KA_IDLE set (ctest does)\n");
        return 1;
    }
    expect_no_allocations("every hook, first calls included", call_every_hook);
    for (const ScenarioInfo& info : scenarios()) {
        if (!info.runs_hooks_in_process) continue;
        std::unique_ptr<Scenario> scenario = info.make();  // setup may allocate (a thread); not a hook
        expect_no_allocations(std::string(info.title), [&] { scenario->run(100); });
    }

    static void* volatile escaped;  // keeps the compiler from removing the allocations below
    expect_allocations("the test's own malloc", [] {
        escaped = std::malloc(64);
        std::free(escaped);
    });
    expect_allocations("strdup, allocating inside libc", [] {
        escaped = strdup("allocated by libc");
        std::free(escaped);
    });
    return failures == 0 ? 0 : 1;
}
