/* The test programs' view of the kernel: connects a TCP socket over loopback and prints what
 * getsockopt says its keepalive options are, so a test sees what kashim really set. Built twice:
 * dynamically (LD_PRELOAD reaches it) and statically (it cannot); and, with KASHIM_PROBE_IO_URING,
 * as a client LD_PRELOAD never sees at all: its socket made by the raw system call and connected
 * through io_uring (IORING_OP_CONNECT), never through libc's socket() or connect().
 *
 *   keepalive_probe [--ipv6] [--set-idle N] [--hold]
 *     --set-idle N  the program itself sets TCP_KEEPIDLE=N, as curl or Node do
 *     --hold        keep the connection open until stdin closes (for `kashim status`)
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#ifdef KASHIM_PROBE_IO_URING
#include <liburing.h>
#include <sys/syscall.h>
#endif

static int option(int fd, int level, int name) {
    int value = -1;
    socklen_t length = sizeof value;
    if (getsockopt(fd, level, name, &value, &length) != 0) return -1;
    return value;
}

static void fail(const char* what) {
    perror(what);
    exit(3);
}

#ifdef KASHIM_PROBE_IO_URING
static int make_socket(int family) { return (int)syscall(SYS_socket, family, SOCK_STREAM | SOCK_CLOEXEC, 0); }

static int connect_socket(int fd, const struct sockaddr* address, socklen_t length) {
    struct io_uring ring;
    if (io_uring_queue_init(4, &ring, 0) != 0) {
        fprintf(stderr, "io_uring is not available here\n");
        exit(77);
    }
    io_uring_prep_connect(io_uring_get_sqe(&ring), fd, address, length);
    io_uring_submit(&ring);
    struct io_uring_cqe* completion;
    int result = io_uring_wait_cqe(&ring, &completion) == 0 ? completion->res : -1;
    io_uring_queue_exit(&ring);
    return result;
}
#else
static int make_socket(int family) { return socket(family, SOCK_STREAM | SOCK_CLOEXEC, 0); }

static int connect_socket(int fd, const struct sockaddr* address, socklen_t length) {
    return connect(fd, address, length);
}
#endif

int main(int argc, char** argv) {
    int ipv6 = 0, hold = 0, set_idle = 0;
    for (int i = 1; i < argc; ++i) {
        if (strcmp(argv[i], "--ipv6") == 0) ipv6 = 1;
        else if (strcmp(argv[i], "--hold") == 0) hold = 1;
        else if (strcmp(argv[i], "--set-idle") == 0 && i + 1 < argc) set_idle = atoi(argv[++i]);
        else {
            fprintf(stderr, "usage: %s [--ipv6] [--set-idle N] [--hold]\n", argv[0]);
            return 2;
        }
    }
    int family = ipv6 ? AF_INET6 : AF_INET;
    struct sockaddr_storage address;
    memset(&address, 0, sizeof address);
    socklen_t length = ipv6 ? sizeof(struct sockaddr_in6) : sizeof(struct sockaddr_in);
    if (ipv6) {
        struct sockaddr_in6* v6 = (struct sockaddr_in6*)&address;
        v6->sin6_family = AF_INET6;
        v6->sin6_addr = in6addr_loopback;
    } else {
        struct sockaddr_in* v4 = (struct sockaddr_in*)&address;
        v4->sin_family = AF_INET;
        v4->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    }

    int listener = socket(family, SOCK_STREAM, 0);
    if (listener < 0) fail("socket");
    if (bind(listener, (struct sockaddr*)&address, length) != 0 || listen(listener, 1) != 0) fail("listen");
    if (getsockname(listener, (struct sockaddr*)&address, &length) != 0) fail("getsockname");

    int client = make_socket(family);
    if (client < 0) fail("socket");
    if (set_idle > 0 && setsockopt(client, IPPROTO_TCP, TCP_KEEPIDLE, &set_idle, sizeof set_idle) != 0)
        fail("setsockopt");
    if (connect_socket(client, (struct sockaddr*)&address, length) != 0) fail("connect");
    int server = accept(listener, NULL, NULL);
    if (server < 0) fail("accept");

    printf("SO_KEEPALIVE=%d TCP_KEEPIDLE=%d TCP_KEEPINTVL=%d TCP_KEEPCNT=%d TCP_USER_TIMEOUT=%d\n",
           option(client, SOL_SOCKET, SO_KEEPALIVE), option(client, IPPROTO_TCP, TCP_KEEPIDLE),
           option(client, IPPROTO_TCP, TCP_KEEPINTVL), option(client, IPPROTO_TCP, TCP_KEEPCNT),
           option(client, IPPROTO_TCP, TCP_USER_TIMEOUT));
    printf("pid=%d client_fd=%d\n", (int)getpid(), client);
    fflush(stdout);
    if (hold) {
        char buffer[64];
        while (read(STDIN_FILENO, buffer, sizeof buffer) > 0) {}
    }
    return 0;
}
