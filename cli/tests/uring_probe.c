/* A client LD_PRELOAD cannot see at all: its socket is made by the raw system call and connected
 * through io_uring (IORING_OP_CONNECT), never through libc's socket() or connect(). Prints what
 * getsockopt says of it, in keepalive_probe's format. */
#include <arpa/inet.h>
#include <liburing.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

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

int main(void) {
    struct sockaddr_in address;
    memset(&address, 0, sizeof address);
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t length = sizeof address;
    int listener = (int)syscall(SYS_socket, AF_INET, SOCK_STREAM, 0);
    if (listener < 0 || bind(listener, (struct sockaddr*)&address, length) != 0 || listen(listener, 1) != 0)
        fail("listen");
    if (getsockname(listener, (struct sockaddr*)&address, &length) != 0) fail("getsockname");

    int client = (int)syscall(SYS_socket, AF_INET, SOCK_STREAM, 0);
    if (client < 0) fail("socket");
    struct io_uring ring;
    if (io_uring_queue_init(4, &ring, 0) != 0) {
        fprintf(stderr, "io_uring is not available here\n");
        return 77;
    }
    struct io_uring_sqe* sqe = io_uring_get_sqe(&ring);
    io_uring_prep_connect(sqe, client, (struct sockaddr*)&address, length);
    io_uring_submit(&ring);
    struct io_uring_cqe* cqe;
    if (io_uring_wait_cqe(&ring, &cqe) != 0 || cqe->res != 0) fail("io_uring connect");
    io_uring_cqe_seen(&ring, cqe);
    printf("SO_KEEPALIVE=%d TCP_KEEPIDLE=%d TCP_KEEPINTVL=%d TCP_KEEPCNT=%d TCP_USER_TIMEOUT=%d\n",
           option(client, SOL_SOCKET, SO_KEEPALIVE), option(client, IPPROTO_TCP, TCP_KEEPIDLE),
           option(client, IPPROTO_TCP, TCP_KEEPINTVL), option(client, IPPROTO_TCP, TCP_KEEPCNT),
           option(client, IPPROTO_TCP, TCP_USER_TIMEOUT));
    io_uring_queue_exit(&ring);
    return 0;
}
