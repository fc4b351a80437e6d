// The program the stress tests run, with and without kashim. Each scenario does its work and
// prints "key=value" lines: how many TCP sockets it made and how many of them carried exactly
// the settings the harness gives (KA_IDLE=10 KA_INTVL=5 KA_CNT=3 KA_USER_TIMEOUT=auto), how many
// non-TCP sockets were wrongly touched, and whether descriptors leaked. Without kashim every TCP
// socket must come out unconfigured, so each count is also a control.
// Usage: kashim_stress_probe SCENARIO [ARGS...]
#include <arpa/inet.h>
#include <dirent.h>
#include <dlfcn.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

extern char** environ;

namespace {

constexpr int kIdle = 10, kIntvl = 5, kCnt = 3, kUserTimeout = (kIdle + kIntvl * kCnt) * 1000;

[[noreturn]] void die(const char* what) {
    std::fprintf(stderr, "stress_probe: %s: %s\n", what, std::strerror(errno));
    std::fflush(stderr);
    _exit(3);
}

int option(int fd, int level, int name) {
    int value = -1;
    socklen_t length = sizeof value;
    if (getsockopt(fd, level, name, &value, &length) != 0) return -1;
    return value;
}

// Only getsockopt: safe in a signal handler and in a vfork child.
bool has_settings(int fd) {
    return option(fd, SOL_SOCKET, SO_KEEPALIVE) == 1 && option(fd, IPPROTO_TCP, TCP_KEEPIDLE) == kIdle &&
           option(fd, IPPROTO_TCP, TCP_KEEPINTVL) == kIntvl && option(fd, IPPROTO_TCP, TCP_KEEPCNT) == kCnt &&
           option(fd, IPPROTO_TCP, TCP_USER_TIMEOUT) == kUserTimeout;
}

bool untouched(int fd) { return option(fd, SOL_SOCKET, SO_KEEPALIVE) == 0; }

int open_fds() {
    DIR* dir = opendir("/proc/self/fd");
    if (dir == nullptr) die("opendir /proc/self/fd");
    int count = 0;
    while (dirent* entry = readdir(dir))
        if (entry->d_name[0] != '.') ++count;
    closedir(dir);
    return count - 1;  // the directory's own descriptor
}

struct Address {
    sockaddr_storage storage{};
    socklen_t length = 0;
    const sockaddr* get() const { return reinterpret_cast<const sockaddr*>(&storage); }
};

// 127.0.0.<host> as AF_INET, or as the IPv4-mapped AF_INET6 address ::ffff:127.0.0.<host>.
Address loopback(int family, int host, uint16_t port) {
    Address address;
    if (family == AF_INET) {
        auto* in = reinterpret_cast<sockaddr_in*>(&address.storage);
        in->sin_family = AF_INET;
        in->sin_port = htons(port);
        in->sin_addr.s_addr = htonl(0x7f000000u | static_cast<uint32_t>(host));
        address.length = sizeof(sockaddr_in);
    } else {
        auto* in6 = reinterpret_cast<sockaddr_in6*>(&address.storage);
        in6->sin6_family = AF_INET6;
        in6->sin6_port = htons(port);
        in6->sin6_addr.s6_addr[10] = 0xff;
        in6->sin6_addr.s6_addr[11] = 0xff;
        in6->sin6_addr.s6_addr[12] = 127;
        in6->sin6_addr.s6_addr[15] = static_cast<uint8_t>(host);
        address.length = sizeof(sockaddr_in6);
    }
    return address;
}

struct Listener {
    int fd = -1;
    Address address;
};

Listener listen_on(int family, int host) {
    Listener listener;
    listener.fd = socket(family, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (listener.fd < 0) die("socket (listener)");
    listener.address = loopback(family, host, 0);
    if (bind(listener.fd, listener.address.get(), listener.address.length) != 0) die("bind");
    if (listen(listener.fd, 64) != 0) die("listen");
    if (getsockname(listener.fd, reinterpret_cast<sockaddr*>(&listener.address.storage), &listener.address.length) != 0)
        die("getsockname");
    return listener;
}

// connect() that also finishes a non-blocking one.
bool connect_fully(int fd, const Address& address) {
    while (connect(fd, address.get(), address.length) != 0) {
        if (errno == EINTR) continue;
        if (errno != EINPROGRESS) return false;
        pollfd writable = {fd, POLLOUT, 0};
        while (poll(&writable, 1, 10000) < 0)
            if (errno != EINTR) return false;
        return option(fd, SOL_SOCKET, SO_ERROR) == 0;
    }
    return true;
}

int accept_retrying(int listener, int flags) {
    for (;;) {
        int fd = accept4(listener, nullptr, nullptr, flags);
        if (fd >= 0 || errno != EINTR) return fd;
    }
}

struct Counts {
    std::atomic<long> tcp{0}, tcp_with_settings{0}, other{0}, other_touched{0}, failures{0};
    void tcp_socket(int fd) {
        ++tcp;
        if (has_settings(fd)) ++tcp_with_settings;
    }
    void other_socket(int fd) {
        ++other;
        if (!untouched(fd)) ++other_touched;
    }
    void print(const char* prefix) const {
        std::printf("%stcp=%ld with-settings=%ld other=%ld other-touched=%ld failures=%ld\n", prefix, tcp.load(),
                    tcp_with_settings.load(), other.load(), other_touched.load(), failures.load());
    }
};

// One round: a client connects to this thread's listener, both ends are checked, both closed.
// Variants by thread number: IPv4 or IPv6 (IPv4-mapped), with or without NONBLOCK|CLOEXEC.
struct RoundMaker {
    int family, flags;
    Listener listener;
    RoundMaker(int index, int host) : family(index % 2 ? AF_INET6 : AF_INET),
        flags(index % 4 >= 2 ? SOCK_NONBLOCK | SOCK_CLOEXEC : 0), listener(listen_on(family, host)) {}

    void round(Counts& counts, bool with_udp) {
        int client = socket(family, SOCK_STREAM | flags, 0);
        if (client < 0) {
            ++counts.failures;
            return;
        }
        if (!connect_fully(client, listener.address)) {
            std::fprintf(stderr, "connect: %s\n", std::strerror(errno));
            ++counts.failures;
            close(client);
            return;
        }
        int accepted = accept_retrying(listener.fd, flags);
        if (accepted < 0) {
            ++counts.failures;
            close(client);
            return;
        }
        counts.tcp_socket(client);
        counts.tcp_socket(accepted);
        if (with_udp) {
            int udp = socket(family, SOCK_DGRAM | flags, 0);
            counts.other_socket(udp);
            close(udp);
        }
        close(client);
        close(accepted);
    }
};

// Gives up loudly instead of hanging: a deadlock shows which scenario and how far it got.
class Watchdog {
public:
    Watchdog(const char* what, int seconds) : thread_([this, what, seconds] {
        std::unique_lock<std::mutex> lock(mutex_);
        if (!done_cv_.wait_for(lock, std::chrono::seconds(seconds), [this] { return done_; })) {
            std::fprintf(stderr, "stress_probe: %s still running after %d s: deadlock? progress %ld\n", what, seconds,
                         progress.load());
            std::fflush(stderr);
            _exit(4);
        }
    }) {}
    ~Watchdog() {
        {
            std::lock_guard<std::mutex> lock(mutex_);
            done_ = true;
        }
        done_cv_.notify_all();
        thread_.join();
    }
    std::atomic<long> progress{0};

private:
    std::mutex mutex_;
    std::condition_variable done_cv_;
    bool done_ = false;
    std::thread thread_;
};

int int_arg(int argc, char** argv, int index, int fallback) {
    return argc > index ? std::atoi(argv[index]) : fallback;
}

// threads [THREADS] [ROUNDS]: every thread connects to and accepts from its own listener.
int scenario_threads(int argc, char** argv) {
    int threads = int_arg(argc, argv, 2, 16), rounds = int_arg(argc, argv, 3, 20000);
    int fds_before = open_fds();
    Counts counts;
    {
        Watchdog watchdog("threads", 240);
        std::vector<std::thread> workers;
        std::atomic<bool> go{false};
        for (int t = 0; t < threads; ++t) {
            workers.emplace_back([&, t] {
                RoundMaker maker(t, 2 + t);
                counts.tcp_socket(maker.listener.fd);
                while (!go.load()) std::this_thread::yield();
                for (int i = 0; i < rounds; ++i) {
                    maker.round(counts, i % 16 == 0);
                    ++watchdog.progress;
                }
                close(maker.listener.fd);
            });
        }
        go = true;
        for (std::thread& worker : workers) worker.join();
    }
    counts.print("");
    std::printf("fds-leaked=%d\n", open_fds() - fds_before);
    return 0;
}

// Background threads that keep making and checking sockets until told to stop.
class Churn {
public:
    Churn(int threads, Counts& counts) {
        for (int t = 0; t < threads; ++t) {
            workers_.emplace_back([this, t, &counts] {
                while (!stop_.load()) {
                    int fd = socket(t % 2 ? AF_INET6 : AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
                    if (fd < 0) {
                        ++counts.failures;
                        continue;
                    }
                    counts.tcp_socket(fd);
                    close(fd);
                    int udp = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
                    counts.other_socket(udp);
                    close(udp);
                }
            });
        }
    }
    ~Churn() {
        stop_ = true;
        for (std::thread& worker : workers_) worker.join();
    }

private:
    std::atomic<bool> stop_{false};
    std::vector<std::thread> workers_;
};

// In a child: a few TCP and UDP sockets, one connected to `listener`; the exit code counts what
// was wrong (0: all TCP sockets configured, UDP untouched).
int child_checks(const Listener* listener) {
    int wrong = 0;
    for (int i = 0; i < 4; ++i) {
        int fd = socket(i % 2 ? AF_INET6 : AF_INET, SOCK_STREAM, 0);
        if (fd < 0 || !has_settings(fd)) ++wrong;
        close(fd);
        int udp = socket(AF_INET, SOCK_DGRAM, 0);
        if (udp < 0 || !untouched(udp)) ++wrong;
        close(udp);
    }
    if (listener != nullptr) {
        int fd = socket(AF_INET, SOCK_STREAM, 0);
        if (!connect_fully(fd, listener->address) || !has_settings(fd)) ++wrong;
        close(fd);
    }
    return wrong;
}

// Waits for a child with a deadline; a child that hangs is killed and counted as hung.
int wait_child(pid_t pid, int seconds, long& hung) {
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(seconds);
    int status = 0;
    for (;;) {
        pid_t done = waitpid(pid, &status, WNOHANG);
        if (done == pid) break;
        if (done < 0 && errno != EINTR) die("waitpid");
        if (std::chrono::steady_clock::now() > deadline) {
            ++hung;
            kill(pid, SIGKILL);
            waitpid(pid, &status, 0);
            return -1;
        }
        usleep(500);
    }
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

// fork [FORKS]: fork() while 8 other threads make sockets; each child makes sockets of its own.
int scenario_fork(int argc, char** argv) {
    int forks = int_arg(argc, argv, 2, 200);
    Counts counts;
    Listener listener = listen_on(AF_INET, 1);
    long children_wrong = 0, children_failed = 0, hung = 0;
    {
        Watchdog watchdog("fork", 240);
        Churn churn(8, counts);
        for (int i = 0; i < forks; ++i) {
            pid_t pid = fork();
            if (pid < 0) die("fork");
            if (pid == 0) _exit(child_checks(&listener));
            int code = wait_child(pid, 20, hung);
            if (code < 0) ++children_failed;
            else children_wrong += code;
            // The parent's accept queue: take what the child connected.
            pollfd readable = {listener.fd, POLLIN, 0};
            while (poll(&readable, 1, 0) > 0) close(accept_retrying(listener.fd, 0));
            ++watchdog.progress;
        }
    }
    counts.print("parent ");
    std::printf("children=%d children-wrong=%ld children-failed=%ld children-hung=%ld\n", forks, children_wrong,
                children_failed, hung);
    return 0;
}

std::atomic<long> g_handler_sockets{0}, g_handler_with_settings{0}, g_handler_failures{0};

void make_socket_in_handler(int) {
    int saved_errno = errno;
    int fd = socket(g_handler_sockets.load() % 2 ? AF_INET6 : AF_INET, SOCK_STREAM, 0);
    if (fd < 0) {
        ++g_handler_failures;
    } else {
        ++g_handler_sockets;
        if (has_settings(fd)) ++g_handler_with_settings;
        close(fd);
    }
    errno = saved_errno;
}

// sigalrm [SIGNALS]: a 200 us interval timer whose handler makes a socket, while four threads run
// connect/accept rounds that the signals interrupt.
int scenario_sigalrm(int argc, char** argv) {
    long wanted = int_arg(argc, argv, 2, 5000);
    int fds_before = open_fds();
    struct sigaction action {};
    action.sa_handler = make_socket_in_handler;
    action.sa_flags = SA_RESTART;
    sigemptyset(&action.sa_mask);
    sigaction(SIGALRM, &action, nullptr);
    Counts counts;
    {
        Watchdog watchdog("sigalrm", 240);
        std::atomic<bool> stop{false};
        std::vector<std::thread> workers;
        for (int t = 0; t < 4; ++t) {
            workers.emplace_back([&, t] {
                RoundMaker maker(t, 40 + t);
                while (!stop.load()) {
                    maker.round(counts, true);
                    ++watchdog.progress;
                }
                close(maker.listener.fd);
            });
        }
        itimerval timer{{0, 200}, {0, 200}};
        setitimer(ITIMER_REAL, &timer, nullptr);
        auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
        while (g_handler_sockets.load() + g_handler_failures.load() < wanted &&
               std::chrono::steady_clock::now() < deadline)
            usleep(1000);
        itimerval off{};
        setitimer(ITIMER_REAL, &off, nullptr);
        stop = true;
        for (std::thread& worker : workers) worker.join();
    }
    counts.print("");
    std::printf("handler-sockets=%ld handler-with-settings=%ld handler-failures=%ld\n", g_handler_sockets.load(),
                g_handler_with_settings.load(), g_handler_failures.load());
    std::printf("fds-leaked=%d\n", open_fds() - fds_before);
    return 0;
}

// Kept out of line so the caller's locals are not the vfork child's to clobber.
__attribute__((noinline)) pid_t vfork_exec(char* path, char** args) {
    pid_t pid = vfork();
    if (pid == 0) {
        execve(path, args, environ);
        _exit(127);
    }
    if (pid < 0) die("vfork");
    return pid;
}

// spawn [CHILDREN]: children started by posix_spawn (with file actions) and by vfork+exec while
// other threads make sockets; each child is this program checking sockets of its own.
int scenario_spawn(int argc, char** argv) {
    int children = int_arg(argc, argv, 2, 100);
    Counts counts;
    long wrong = 0, failed = 0, hung = 0;
    char self[4096];
    ssize_t length = readlink("/proc/self/exe", self, sizeof self - 1);
    if (length <= 0) die("readlink");
    self[length] = '\0';
    char* child_argv[] = {self, const_cast<char*>("child"), nullptr};
    {
        Watchdog watchdog("spawn", 240);
        Churn churn(4, counts);
        for (int i = 0; i < children; ++i) {
            pid_t pid = -1;
            if (i % 2 == 0) {
                posix_spawn_file_actions_t actions;
                posix_spawn_file_actions_init(&actions);
                posix_spawn_file_actions_adddup2(&actions, STDERR_FILENO, STDERR_FILENO);
                posix_spawn_file_actions_addopen(&actions, 9, "/dev/null", O_RDONLY, 0);
                posix_spawn_file_actions_addclose(&actions, 9);
                if (posix_spawn(&pid, self, &actions, nullptr, child_argv, environ) != 0) die("posix_spawn");
                posix_spawn_file_actions_destroy(&actions);
            } else {
                pid = vfork_exec(self, child_argv);
            }
            int code = wait_child(pid, 30, hung);
            if (code < 0) ++failed;
            else wrong += code;
            ++watchdog.progress;
        }
    }
    counts.print("parent ");
    std::printf("children=%d children-wrong=%ld children-failed=%ld children-hung=%ld\n", children, wrong, failed,
                hung);
    return 0;
}

int scenario_child() { return child_checks(nullptr); }

// vfork-close [fork | fork-then-vfork]: a vfork child closes and redirects descriptors before
// exec, as shells and process launchers do. The parent's own sockets are untouched by that (the
// child has its own descriptor table), so kashim must still know them afterwards: under the cap
// policy the program's own TCP_KEEPIDLE of 60 must still be kept off the socket the operator
// configured with 10. "fork" does the same from a fork child, whose table is a copy.
// "fork-then-vfork" does it from a fork child that has not called into kashim yet, whose vfork
// child must not take the memory for its own: the fork child must still own it afterwards, which
// shows in a redirect of its own being recorded (TCP_KEEPIDLE then fails on the UDP socket there).
int scenario_vfork_close(int argc, char** argv) {
    std::string mode = argc > 2 ? argv[2] : "vfork";
    int sockets[4];
    for (int& fd : sockets) fd = socket(AF_INET, SOCK_STREAM, 0);
    int udp = socket(AF_INET, SOCK_DGRAM, 0);
    if (mode == "fork-then-vfork") {
        pid_t child = fork();
        if (child != 0) {
            int status = 0;
            waitpid(child, &status, 0);
            return WIFEXITED(status) ? WEXITSTATUS(status) : 1;
        }
    }
    pid_t pid = mode == "fork" ? fork() : vfork();
    if (pid == 0) {
        close(sockets[0]);
        close_range(static_cast<unsigned>(sockets[1]), static_cast<unsigned>(sockets[1]), 0);
        dup2(udp, sockets[2]);
        dup3(udp, sockets[3], O_CLOEXEC);
        char* args[] = {const_cast<char*>("/bin/true"), nullptr};
        execve(args[0], args, environ);
        _exit(127);
    }
    waitpid(pid, nullptr, 0);
    int sixty = 60;
    int kept = 0;
    for (int fd : sockets) {
        setsockopt(fd, IPPROTO_TCP, TCP_KEEPIDLE, &sixty, sizeof sixty);
        if (option(fd, IPPROTO_TCP, TCP_KEEPIDLE) == kIdle) ++kept;
    }
    std::printf("sockets=4 operator-idle-kept=%d", kept);
    if (mode == "fork-then-vfork") {
        dup2(udp, sockets[2]);
        bool refused = setsockopt(sockets[2], IPPROTO_TCP, TCP_KEEPIDLE, &sixty, sizeof sixty) != 0;
        std::printf(" own-redirect-recorded=%d", refused ? 1 : 0);
    }
    std::printf("\n");
    return 0;
}

// Reads what arrived on `fd` within `ms` milliseconds.
std::string drain(int fd, int ms) {
    std::string text;
    pollfd readable = {fd, POLLIN, 0};
    while (poll(&readable, 1, ms) > 0) {
        char buffer[4096];
        ssize_t n = recv(fd, buffer, sizeof buffer, MSG_DONTWAIT);
        if (n <= 0) break;
        text.append(buffer, static_cast<size_t>(n));
    }
    return text;
}

void print_received(const std::string& text) {
    std::printf("fd2-received=%zu", text.size());
    if (!text.empty()) std::printf(" first-line=%.*s", static_cast<int>(text.find('\n')), text.c_str());
    std::printf("\n");
}

// fd2 [self-write]: the program closes fd 2 and its next socket, an accepted connection, becomes
// fd 2. kashim's debug lines (run with KA_LOG=debug and an inbound rule that looks at the peer, so
// each accepted connection is configured, and logged, once it is connected) must not go into it.
// With "self-write" the program writes to fd 2 itself, as a careless logger would: the control
// that shows the peer would see such a line.
int scenario_fd2(int argc, char** argv) {
    bool self_write = argc > 2 && std::strcmp(argv[2], "self-write") == 0;
    Listener listener = listen_on(AF_INET, 1);
    int client = socket(AF_INET, SOCK_STREAM, 0);
    if (!connect_fully(client, listener.address)) die("connect");
    int saved = fcntl(STDERR_FILENO, F_DUPFD_CLOEXEC, 10);
    close(STDERR_FILENO);
    int accepted = accept(listener.fd, nullptr, nullptr);  // configured and logged: fd 2 now
    if (accepted != STDERR_FILENO) die("the accepted socket is not fd 2");
    for (int i = 0; i < 20; ++i) {  // more lines while fd 2 is the socket
        int more = socket(AF_INET, SOCK_STREAM, 0);
        if (!connect_fully(more, listener.address)) die("connect");
        close(accept(listener.fd, nullptr, nullptr));
        close(more);
    }
    if (self_write && write(STDERR_FILENO, "careless line\n", 14) != 14) die("write");
    print_received(drain(client, 200));
    // Logging was live all along: with the real stderr back, the next line reaches it.
    dup2(saved, STDERR_FILENO);
    int last = socket(AF_INET, SOCK_STREAM, 0);
    if (!connect_fully(last, listener.address)) die("connect");
    std::printf("restored\n");
    return 0;
}

// fd2-race: kashim decides to write a line to fd 2 and, before the write, another thread closes
// fd 2 and the number becomes a connected socket. The slow_fstat interposer (preloaded ahead of
// the shim) holds kashim's thread between its check of fd 2 and its write, so the window is hit
// every time rather than once in a million.
int scenario_fd2_race() {
    using Arm = void (*)(int);
    using State = int (*)();
    auto arm = reinterpret_cast<Arm>(dlsym(RTLD_DEFAULT, "slow_fstat_arm"));
    auto state = reinterpret_cast<State>(dlsym(RTLD_DEFAULT, "slow_fstat_state"));
    if (arm == nullptr || state == nullptr) {
        std::fprintf(stderr, "stress_probe: fd2-race needs the slow_fstat interposer\n");
        return 2;
    }
    Listener listener = listen_on(AF_INET, 1);
    int client = socket(AF_INET, SOCK_STREAM, 0);
    if (!connect_fully(client, listener.address)) die("connect");
    int saved = fcntl(STDERR_FILENO, F_DUPFD_CLOEXEC, 10);
    arm(500);
    std::thread logging([] { close(socket(AF_INET, SOCK_STREAM, 0)); });  // logs a debug line
    // Until kashim's thread is inside its check of fd 2.
    for (int waited = 0; state() != 1; ++waited) {
        if (waited == 100000) {
            std::fprintf(stderr, "stress_probe: kashim never made its fstat system call (slow_fstat-not-reached)\n");
            return 5;
        }
        usleep(100);
    }
    close(STDERR_FILENO);
    int accepted = accept(listener.fd, nullptr, nullptr);
    if (accepted != STDERR_FILENO) die("the accepted socket is not fd 2");
    logging.join();
    std::string received = drain(client, 200);
    dup2(saved, STDERR_FILENO);
    print_received(received);
    return 0;
}

}  // namespace

int main(int argc, char** argv) {
    if (argc < 2) {
        std::fprintf(stderr, "usage: kashim_stress_probe SCENARIO [ARGS...]\n");
        return 2;
    }
    std::string scenario = argv[1];
    if (scenario == "threads") return scenario_threads(argc, argv);
    if (scenario == "fork") return scenario_fork(argc, argv);
    if (scenario == "sigalrm") return scenario_sigalrm(argc, argv);
    if (scenario == "spawn") return scenario_spawn(argc, argv);
    if (scenario == "child") return scenario_child();
    if (scenario == "vfork-close") return scenario_vfork_close(argc, argv);
    if (scenario == "fd2") return scenario_fd2(argc, argv);
    if (scenario == "fd2-race") return scenario_fd2_race();
    std::fprintf(stderr, "kashim_stress_probe: unknown scenario %s\n", argv[1]);
    return 2;
}
