/* A stand-in for an unmodified program: it makes sockets the ways real programs do and prints
 * what the kernel says about them, so the harness can compare runs with and without kashim.
 * Written in C so the one source builds against glibc, against musl (Alpine's C library, with
 * musl-gcc) and statically (for the seccomp supervisor).
 * Usage: kashim_probe SCENARIO */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <pty.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include "probe_report.h"

static void die(const char* what) {
    fprintf(stderr, "probe: %s: %s\n", what, strerror(errno));
    exit(3);
}

/* The symbolic name of the errors these scenarios can meet; glibc's strerrorname_np is not in musl. */
static const char* errno_name(int error) {
    static const struct {
        int number;
        const char* name;
    } names[] = {
        {EINVAL, "EINVAL"}, {EAFNOSUPPORT, "EAFNOSUPPORT"}, {EPROTONOSUPPORT, "EPROTONOSUPPORT"},
        {EBADF, "EBADF"}, {ENOTSOCK, "ENOTSOCK"}, {ECONNREFUSED, "ECONNREFUSED"}, {EINPROGRESS, "EINPROGRESS"},
        {ENOPROTOOPT, "ENOPROTOOPT"}, {EOPNOTSUPP, "EOPNOTSUPP"}, {EMFILE, "EMFILE"}, {EXDEV, "EXDEV"},
        {EPERM, "EPERM"}, {EFAULT, "EFAULT"}, {EPROTOTYPE, "EPROTOTYPE"}, {ESOCKTNOSUPPORT, "ESOCKTNOSUPPORT"},
        {EISCONN, "EISCONN"}, {EALREADY, "EALREADY"}, {EDESTADDRREQ, "EDESTADDRREQ"},
    };
    for (size_t i = 0; i < sizeof names / sizeof names[0]; ++i)
        if (names[i].number == error) return names[i].name;
    static char unknown[32];
    snprintf(unknown, sizeof unknown, "errno-%d", error);
    return unknown;
}

/* A socket made behind kashim's back, as a libc-internal path or a raw syscall would. */
static int raw_socket(int domain, int type) { return (int)syscall(SYS_socket, domain, type, 0); }

/* One union, never casts between the sockaddr types: gcc -O2 for aarch64 took a port written
 * through a cast sockaddr_in6* as not touching the sockaddr_storage it was read back from
 * (strict aliasing), bound port 0 and then blocked in accept(). */
struct loopback {
    union {
        struct sockaddr any;
        struct sockaddr_in in;
        struct sockaddr_in6 in6;
        struct sockaddr_storage storage;
    } address;
    socklen_t length;
};

static struct loopback loopback(int family, uint16_t port) {
    struct loopback result;
    memset(&result, 0, sizeof result);
    if (family == AF_INET) {
        result.address.in.sin_family = AF_INET;
        result.address.in.sin_port = htons(port);
        result.address.in.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        result.length = sizeof(struct sockaddr_in);
    } else {
        result.address.in6.sin6_family = AF_INET6;
        result.address.in6.sin6_port = htons(port);
        result.address.in6.sin6_addr = in6addr_loopback;
        result.length = sizeof(struct sockaddr_in6);
    }
    return result;
}

/* Binds `fd` to an ephemeral loopback port and listens; returns the address to connect to. */
static struct loopback listen_on_loopback(int fd, int family) {
    struct loopback address = loopback(family, 0);
    if (bind(fd, &address.address.any, address.length) != 0) die("bind");
    if (listen(fd, 16) != 0) die("listen");
    if (getsockname(fd, &address.address.any, &address.length) != 0) die("getsockname");
    return address;
}

static int connect_to(int fd, const struct loopback* address) {
    return connect(fd, &address->address.any, address->length);
}

static void report_call(const char* label, int result) {
    printf("%s ret=%d errno=%s\n", label, result, result < 0 ? errno_name(errno) : "-");
}

static void client_listener_accepted(int family, int with_flags) {
    int flags = with_flags ? SOCK_NONBLOCK | SOCK_CLOEXEC : 0;
    int listener = socket(family, SOCK_STREAM | flags, 0);
    int client = socket(family, SOCK_STREAM | flags, IPPROTO_TCP);
    if (listener < 0 || client < 0) die("socket");
    struct loopback address = listen_on_loopback(listener, family);
    if (connect_to(client, &address) != 0 && errno != EINPROGRESS) die("connect");
    if (with_flags) fcntl(listener, F_SETFL, 0);
    int accepted = with_flags ? accept4(listener, NULL, NULL, SOCK_CLOEXEC) : accept(listener, NULL, NULL);
    if (accepted < 0) die("accept");
    report_socket("listener", listener);
    report_socket("client", client);
    report_socket("accepted", accepted);
}

static void scenario_tcp4(void) { client_listener_accepted(AF_INET, 0); }
static void scenario_tcp6(void) { client_listener_accepted(AF_INET6, 0); }
static void scenario_tcp4_flags(void) { client_listener_accepted(AF_INET, 1); }
static void scenario_tcp6_flags(void) { client_listener_accepted(AF_INET6, 1); }

static void scenario_not_tcp(void) {
    report_socket("udp4", socket(AF_INET, SOCK_DGRAM, 0));
    report_socket("udp6", socket(AF_INET6, SOCK_DGRAM | SOCK_CLOEXEC, 0));
    report_socket("unix", socket(AF_UNIX, SOCK_STREAM, 0));
    report_socket("seqpacket", socket(AF_UNIX, SOCK_SEQPACKET, 0));
    /* A connected UDP socket, as a resolver uses one, stays untouched too. */
    int udp = socket(AF_INET, SOCK_DGRAM, 0);
    struct loopback address = loopback(AF_INET, 9);
    connect_to(udp, &address);
    report_socket("udp-connected", udp);
}

/* TCP sockets kashim never saw made get their settings at connect() and on accept(). */
static void scenario_unseen_sockets(void) {
    int listener = raw_socket(AF_INET, SOCK_STREAM);
    struct loopback address = listen_on_loopback(listener, AF_INET);
    int client = raw_socket(AF_INET, SOCK_STREAM);
    report_socket("raw-before-connect", client);
    if (connect_to(client, &address) != 0) die("connect");
    int accepted = accept(listener, NULL, NULL);
    report_socket("raw-client", client);
    report_socket("raw-listener-accepted", accepted);
    report_socket("raw-listener", listener);
}

/* close_range() as a glibc program calls it. musl has no wrapper: its programs can only make
 * the raw system call, which no preload library sees, so there is nothing to test there. */
static int close_range_call(unsigned first, unsigned last) {
#ifdef __GLIBC__
    return close_range(first, last, 0);
#else
    (void)first;
    (void)last;
    errno = ENOSYS;
    return -1;
#endif
}

/* A number once held by a socket kashim knew must not vouch for the socket that reuses it. */
static void scenario_reused_numbers(void) {
    int listener = socket(AF_INET, SOCK_STREAM, 0);
    struct loopback address = listen_on_loopback(listener, AF_INET);
    const int types[2] = {SOCK_STREAM, SOCK_DGRAM};
    for (int i = 0; i < 2; ++i) {
        int first = socket(AF_INET, types[i], 0);
        close(first);
        int reused = raw_socket(AF_INET, SOCK_STREAM);
        if (reused != first) die("the number was not reused");
        if (connect_to(reused, &address) != 0) die("connect");
        report_socket(types[i] == SOCK_STREAM ? "reused-after-tcp" : "reused-after-udp", reused);
        close(reused);
    }
    int first = socket(AF_INET, SOCK_STREAM, 0);
    if (close_range_call((unsigned)first, ~0U) == 0) {
        int reused = raw_socket(AF_INET, SOCK_STREAM);
        if (reused != first) die("the number was not reused");
        if (connect_to(reused, &address) != 0) die("connect");
        report_socket("reused-after-close-range", reused);
    } else {
        close(first);
    }
    /* dup2 onto a number makes it the duplicated socket, known or not. */
    int udp = socket(AF_INET, SOCK_DGRAM, 0);
    int tcp = raw_socket(AF_INET, SOCK_STREAM);
    dup2(tcp, udp);
    if (connect_to(udp, &address) != 0) die("connect");
    report_socket("dup2-onto-udp", udp);
}

static int set_option(int fd, int level, int name, int value) {
    return setsockopt(fd, level, name, &value, sizeof value);
}

/* A program with keepalive choices of its own, made before connect (when an engine may not have
 * configured the socket yet) and after: some looser than the harness's operator values (idle 10,
 * intvl 5, cnt 3, user timeout 25 s), some tighter, one invalid. The policy decides which stand. */
static void scenario_own_values(void) {
    int listener = socket(AF_INET, SOCK_STREAM, 0);
    struct loopback address = listen_on_loopback(listener, AF_INET);
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    report_call("before-idle-60", set_option(fd, IPPROTO_TCP, TCP_KEEPIDLE, 60));
    report_call("before-intvl-2", set_option(fd, IPPROTO_TCP, TCP_KEEPINTVL, 2));
    if (connect_to(fd, &address) != 0) die("connect");
    int accepted = accept(listener, NULL, NULL);
    report_socket("after-connect", fd);
    report_call("after-keepalive-0", set_option(fd, SOL_SOCKET, SO_KEEPALIVE, 0));
    report_call("after-cnt-2", set_option(fd, IPPROTO_TCP, TCP_KEEPCNT, 2));
    report_call("after-idle-4", set_option(fd, IPPROTO_TCP, TCP_KEEPIDLE, 4));
    report_call("after-user-timeout-0", set_option(fd, IPPROTO_TCP, TCP_USER_TIMEOUT, 0));
    report_call("after-idle-0", set_option(fd, IPPROTO_TCP, TCP_KEEPIDLE, 0)); /* Node's setKeepAlive(true, 0) */
    int sixty = 60;
    report_call("after-idle-short", setsockopt(fd, IPPROTO_TCP, TCP_KEEPIDLE, &sixty, 2));
    report_call("after-nodelay-1", set_option(fd, IPPROTO_TCP, TCP_NODELAY, 1)); /* not keepalive: untouched */
    printf("nodelay=%d\n", socket_option(fd, IPPROTO_TCP, TCP_NODELAY));
    report_socket("after-own", fd);
    close(accepted);
}

/* A non-blocking connect is retried after EINPROGRESS; kashim must not apply again on the retry,
 * which would undo what the program set in between (visible under the respect policy). */
static void scenario_connect_retry(void) {
    int listener = socket(AF_INET, SOCK_STREAM, 0);
    struct loopback address = listen_on_loopback(listener, AF_INET);
    int fd = raw_socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK);
    report_call("first-connect", connect_to(fd, &address) == 0 ? 0 : (errno == EINPROGRESS ? 0 : -1));
    int seventy_seven = 77;
    setsockopt(fd, IPPROTO_TCP, TCP_KEEPIDLE, &seventy_seven, sizeof seventy_seven);
    connect_to(fd, &address);
    report_socket("after-retry", fd);
}

/* Failing calls return what the kernel said, with the kernel's errno, shim or no shim. */
static void scenario_errors(void) {
    report_call("socket-bad-type", socket(AF_INET, 999, 0));
    report_call("socket-bad-family", socket(12345, SOCK_STREAM, 0));
    report_call("socket-bad-protocol", socket(AF_INET, SOCK_STREAM, IPPROTO_UDP));
    struct loopback closed_port = loopback(AF_INET, 1);
    report_call("connect-bad-fd", connect_to(-1, &closed_port));
    report_call("connect-not-socket", connect_to(0 /* stdin */, &closed_port));
    int refused = socket(AF_INET, SOCK_STREAM, 0);
    report_call("connect-refused", connect_to(refused, &closed_port));
    int nonblocking = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
    int listener = socket(AF_INET, SOCK_STREAM, 0);
    struct loopback address = listen_on_loopback(listener, AF_INET);
    int in_progress = connect_to(nonblocking, &address);
    printf("connect-nonblocking %s\n", in_progress == 0 || errno == EINPROGRESS ? "ok" : "wrong");
    int v6 = socket(AF_INET6, SOCK_STREAM, 0);
    report_call("connect-wrong-family", connect_to(v6, &closed_port));
    report_call("accept-not-listening", accept(refused, NULL, NULL));
    report_call("accept-bad-fd", accept(-1, NULL, NULL));
    report_call("accept4-bad-flags", accept4(listener, NULL, NULL, 0x7fffffff));
    int sixty = 60;
    report_call("setsockopt-bad-fd", setsockopt(-1, IPPROTO_TCP, TCP_KEEPIDLE, &sixty, sizeof sixty));
    report_call("setsockopt-udp-tcp-level",
                setsockopt(socket(AF_INET, SOCK_DGRAM, 0), IPPROTO_TCP, TCP_KEEPIDLE, &sixty, sizeof sixty));
    report_call("close-bad-fd", close(-1));
    report_call("dup2-bad-fd", dup2(-1, 100));
    errno = EXDEV; /* a successful call leaves errno alone; so must kashim's own work inside it */
    int fine = socket(AF_INET, SOCK_STREAM, 0);
    printf("errno-after-success fd-ok=%d errno=%s\n", fine >= 0, errno_name(errno));
    errno = EXDEV;
    connect_to(fine, &address);
    printf("errno-after-connect errno=%s\n", errno_name(errno));
    struct rlimit limit = {(rlim_t)(fine + 1), (rlim_t)(fine + 1)};
    setrlimit(RLIMIT_NOFILE, &limit);
    report_call("socket-emfile", socket(AF_INET, SOCK_STREAM, 0));
}

enum { kThreads = 16, kSocketsEach = 200 };
static atomic_int g_wrong, g_made;
static atomic_bool g_go;

static void* make_sockets(void* which) {
    int family = (intptr_t)which % 2 ? AF_INET6 : AF_INET;
    while (!atomic_load(&g_go)) {
    }
    for (int i = 0; i < kSocketsEach; ++i) {
        int fd = socket(family, SOCK_STREAM, 0);
        if (fd < 0) continue;
        atomic_fetch_add(&g_made, 1);
        if (socket_option(fd, SOL_SOCKET, SO_KEEPALIVE) != 1 || socket_option(fd, IPPROTO_TCP, TCP_KEEPIDLE) != 10)
            atomic_fetch_add(&g_wrong, 1);
        close(fd);
    }
    return NULL;
}

static void scenario_threads(void) {
    pthread_t threads[kThreads];
    for (intptr_t t = 0; t < kThreads; ++t)
        if (pthread_create(&threads[t], NULL, make_sockets, (void*)t) != 0) die("pthread_create");
    atomic_store(&g_go, 1);
    for (int t = 0; t < kThreads; ++t) pthread_join(threads[t], NULL);
    printf("threads made=%d without-settings=%d\n", atomic_load(&g_made), atomic_load(&g_wrong));
}

static volatile sig_atomic_t g_socket_from_handler = -1;

static void make_socket_in_handler(int signal_number) {
    (void)signal_number;
    g_socket_from_handler = socket(AF_INET, SOCK_STREAM, 0);
}

static void scenario_signal_handler(void) {
    struct sigaction action;
    memset(&action, 0, sizeof action);
    action.sa_handler = make_socket_in_handler;
    sigaction(SIGALRM, &action, NULL);
    raise(SIGALRM);
    report_socket("from-signal-handler", g_socket_from_handler);
}

static void scenario_fork(void) {
    pid_t child = fork();
    if (child == 0) {
        report_socket("forked-child", socket(AF_INET, SOCK_STREAM, 0));
        fflush(stdout);
        _exit(0);
    }
    waitpid(child, NULL, 0);
    child = fork();
    if (child == 0) {
        execl("/proc/self/exe", "kashim_probe", "single", (char*)NULL);
        _exit(127);
    }
    waitpid(child, NULL, 0);
}

/* A fork child owns its copy of what kashim knows of each descriptor: a TCP socket's number it
 * redirects to a UDP socket is recorded, so the program's own TCP_KEEPIDLE there fails as the
 * kernel says. Taken for a vfork child, which must leave the parent's record alone, it would be
 * answered by kashim's policy as on the TCP socket the number had: the vfork case, the control,
 * shows that answer. Each child reports through a pipe: a daemon's parent has gone, and a
 * forkpty child's stdout is the terminal. */
static struct {
    int tcp, udp, report;
    int terminal; /* forkpty's; its child is hung up when it closes */
    volatile int child_wrote; /* seen by the parent only where the child shared its memory */
} g_redirect = {-1, -1, -1, -1, 0};

static void redirect_and_report(void) {
    int sixty = 60;
    dup2(g_redirect.udp, g_redirect.tcp);
    char line[64];
    int length = snprintf(line, sizeof line, "redirected-setsockopt=%d\n",
                          setsockopt(g_redirect.tcp, IPPROTO_TCP, TCP_KEEPIDLE, &sixty, sizeof sixty));
    if (write(g_redirect.report, line, (size_t)length) != length) _exit(3);
}

/* make_child null: vfork, called here, since its child must not return from the function that
 * called it (the stack is the parent's). A child that has already redirected (in a fork handler)
 * only exits. */
static void redirect_in_child(pid_t (*make_child)(void), int redirected_already) {
    g_redirect.tcp = socket(AF_INET, SOCK_STREAM, 0);
    g_redirect.udp = socket(AF_INET, SOCK_DGRAM, 0);
    int report[2];
    if (pipe(report) != 0) die("pipe");
    g_redirect.report = report[1];
    pid_t child = make_child != NULL ? make_child() : vfork();
    if (child < 0) {
        printf("no-child: %s\n", strerror(errno));
        return;
    }
    if (child == 0) {
        if (!redirected_already) redirect_and_report();
        g_redirect.child_wrote = 1;
        _exit(0);
    }
    close(report[1]);
    waitpid(child, NULL, 0);
    /* ThreadSanitizer's and qemu-user's vfork is a fork: then there is no vfork child to show. */
    if (make_child == NULL && !g_redirect.child_wrote) printf("vfork-was-a-fork\n");
    char line[64];
    ssize_t length;
    while ((length = read(report[0], line, sizeof line)) > 0) fwrite(line, 1, (size_t)length, stdout);
    close(report[0]);
    close(g_redirect.tcp);
    close(g_redirect.udp);
    if (g_redirect.terminal >= 0) close(g_redirect.terminal);
}

static pid_t child_by_fork(void) { return fork(); }
/* daemon(3) forks inside the C library (musl's twice) and returns in the daemon. */
static pid_t child_by_daemon(void) {
    pid_t middle = fork();
    if (middle != 0) return middle;
    if (daemon(1, 1) != 0) _exit(3);
    return 0;
}
static pid_t child_by_forkpty(void) { return forkpty(&g_redirect.terminal, NULL, NULL, NULL); }
/* fork() by the system call, as a program or runtime that bypasses the C library would. */
static pid_t child_by_system_call(void) { return (pid_t)syscall(SYS_clone, SIGCHLD, 0, 0, 0, 0); }

static void scenario_fork_redirect(void) { redirect_in_child(child_by_fork, 0); }
static void scenario_vfork_redirect(void) { redirect_in_child(NULL, 0); }
static void scenario_daemon_redirect(void) { redirect_in_child(child_by_daemon, 0); }
static void scenario_forkpty_redirect(void) { redirect_in_child(child_by_forkpty, 0); }
/* Whether a fork child is given a MADV_WIPEONFORK page as zeroes: Linux 4.14 does, qemu-user
 * accepts the advice and ignores it. Only by that page can kashim know a child before fork()
 * returns to its hook, or one fork() never made. */
static int fork_children_get_wiped_pages(void) {
    long page_size = sysconf(_SC_PAGESIZE);
    volatile int* page = mmap(NULL, (size_t)page_size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (page == MAP_FAILED) die("mmap");
    int wiped = 0;
    if (madvise((void*)page, (size_t)page_size, MADV_WIPEONFORK) == 0) {
        *page = 1;
        pid_t child = (pid_t)syscall(SYS_clone, SIGCHLD, 0, 0, 0, 0);
        if (child == 0) _exit(*page == 0 ? 0 : 1);
        int status = 0;
        waitpid(child, &status, 0);
        wiped = WIFEXITED(status) && WEXITSTATUS(status) == 0;
    }
    munmap((void*)page, (size_t)page_size);
    return wiped;
}

static void scenario_clone_redirect(void) {
    if (!fork_children_get_wiped_pages()) printf("no-wipe-on-fork\n");
    else redirect_in_child(child_by_system_call, 0);
}
/* In the program's own fork handler, which the C library runs in the child before fork() returns. */
static void scenario_fork_handler_redirect(void) {
    if (!fork_children_get_wiped_pages()) {
        printf("no-wipe-on-fork\n");
        return;
    }
    if (pthread_atfork(NULL, NULL, redirect_and_report) != 0) die("pthread_atfork");
    redirect_in_child(child_by_fork, 1);
}

/* A program that writes over its environment before its first socket, as setproctitle writes
 * over the strings environ pointed to at exec, and then sets KA_IDLE itself. */
static void scenario_rewritten_environment(void) {
    for (char** entry = environ; *entry != NULL; ++entry) memset(*entry, 'x', strlen(*entry));
    if (setenv("KA_IDLE", "99", 1) != 0) die("setenv");
    printf("environment-idle=%s\n", getenv("KA_IDLE"));
    client_listener_accepted(AF_INET, 0);
}

static void scenario_single(void) { report_socket("exec-child", socket(AF_INET, SOCK_STREAM, 0)); }

/* Sockets of every kind and the connects a program makes, with no getsockopt of its own, so a
 * syscall trace shows exactly what kashim adds. */
static void scenario_syscalls(void) {
    socket(AF_INET, SOCK_STREAM, 0);
    int udp = socket(AF_INET, SOCK_DGRAM, 0);
    int unix_stream = socket(AF_UNIX, SOCK_STREAM, 0);
    socket(AF_NETLINK, SOCK_RAW, 0);
    socket(AF_INET6, SOCK_DGRAM, 0);
    struct sockaddr_un nowhere;
    memset(&nowhere, 0, sizeof nowhere);
    nowhere.sun_family = AF_UNIX;
    strcpy(nowhere.sun_path, "/nonexistent/kashim-probe");
    connect(unix_stream, (struct sockaddr*)&nowhere, sizeof nowhere);
    struct loopback discard = loopback(AF_INET, 9);
    connect_to(udp, &discard);
    int one = 1;
    setsockopt(udp, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
}

static uint16_t port_from_env(const char* name) {
    const char* value = getenv(name);
    if (value == NULL) die(name);
    return (uint16_t)atoi(value);
}

/* Connections to several loopback addresses and two ports, for rules to tell apart. The
 * listeners are dual-stack, so IPv4 peers arrive as IPv4-mapped IPv6 addresses. */
static void scenario_rules(void) {
    uint16_t ports[2] = {port_from_env("PROBE_PORT_A"), port_from_env("PROBE_PORT_B")};
    int listeners[2];
    for (int i = 0; i < 2; ++i) {
        listeners[i] = socket(AF_INET6, SOCK_STREAM, 0);
        int zero = 0, one = 1;
        setsockopt(listeners[i], IPPROTO_IPV6, IPV6_V6ONLY, &zero, sizeof zero);
        setsockopt(listeners[i], SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
        struct loopback any = loopback(AF_INET6, ports[i]);
        any.address.in6.sin6_addr = in6addr_any;
        if (bind(listeners[i], &any.address.any, any.length) != 0) die("bind");
        if (listen(listeners[i], 8) != 0) die("listen");
    }
    static const struct {
        const char* label;
        int family;
        const char* address;
        int port_index;
    } targets[] = {{"to-127.0.0.1-A", AF_INET, "127.0.0.1", 0},
                   {"to-127.0.0.2-A", AF_INET, "127.0.0.2", 0},
                   {"to-::1-A", AF_INET6, "::1", 0},
                   {"to-127.0.0.1-B", AF_INET, "127.0.0.1", 1}};
    for (size_t i = 0; i < sizeof targets / sizeof targets[0]; ++i) {
        struct loopback address = loopback(targets[i].family, ports[targets[i].port_index]);
        void* where = targets[i].family == AF_INET ? (void*)&address.address.in.sin_addr
                                                   : (void*)&address.address.in6.sin6_addr;
        inet_pton(targets[i].family, targets[i].address, where);
        int client = socket(targets[i].family, SOCK_STREAM, 0);
        if (strcmp(targets[i].address, "127.0.0.2") == 0) {
            /* From 127.0.0.2 too, or the kernel picks 127.0.0.1 as the source and the accepted
             * side would never see this address. */
            struct loopback source = loopback(AF_INET, 0);
            inet_pton(AF_INET, "127.0.0.2", &source.address.in.sin_addr);
            if (bind(client, &source.address.any, source.length) != 0) die("bind");
        }
        if (connect_to(client, &address) != 0) die("connect");
        int accepted = accept(listeners[targets[i].port_index], NULL, NULL);
        report_socket(targets[i].label, client);
        char accepted_label[64];
        snprintf(accepted_label, sizeof accepted_label, "from-%s", targets[i].label + 3);
        report_socket(accepted_label, accepted);
    }
    report_socket("listener-A", listeners[0]);
    report_socket("listener-B", listeners[1]);
}

static const struct {
    const char* name;
    void (*run)(void);
} kScenarios[] = {
    {"tcp4", scenario_tcp4},
    {"tcp6", scenario_tcp6},
    {"tcp4-flags", scenario_tcp4_flags},
    {"tcp6-flags", scenario_tcp6_flags},
    {"not-tcp", scenario_not_tcp},
    {"unseen-sockets", scenario_unseen_sockets},
    {"reused-numbers", scenario_reused_numbers},
    {"own-values", scenario_own_values},
    {"connect-retry", scenario_connect_retry},
    {"errors", scenario_errors},
    {"threads", scenario_threads},
    {"signal-handler", scenario_signal_handler},
    {"fork", scenario_fork},
    {"fork-redirect", scenario_fork_redirect},
    {"vfork-redirect", scenario_vfork_redirect},
    {"daemon-redirect", scenario_daemon_redirect},
    {"forkpty-redirect", scenario_forkpty_redirect},
    {"clone-redirect", scenario_clone_redirect},
    {"fork-handler-redirect", scenario_fork_handler_redirect},
    {"rewritten-environment", scenario_rewritten_environment},
    {"single", scenario_single},
    {"rules", scenario_rules},
    {"syscalls", scenario_syscalls},
};

int main(int argc, char** argv) {
    if (argc == 2) {
        for (size_t i = 0; i < sizeof kScenarios / sizeof kScenarios[0]; ++i) {
            if (strcmp(argv[1], kScenarios[i].name) == 0) {
                kScenarios[i].run();
                return 0;
            }
        }
    }
    fprintf(stderr, "usage: kashim_probe SCENARIO\n");
    return 2;
}
