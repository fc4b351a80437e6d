/* How probe programs print the kernel's view of a socket, one line each, for the harness to parse.
 * C, so the same probe builds against glibc, musl and statically. */
#pragma once

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <sys/socket.h>

static inline int socket_option(int fd, int level, int name) {
    int value = -1;
    socklen_t length = sizeof value;
    if (getsockopt(fd, level, name, &value, &length) != 0) return -1;
    return value;
}

/* "<label> ka=1 idle=10 intvl=5 cnt=3 ut=25000", straight from getsockopt. */
static inline void report_socket(const char* label, int fd) {
    printf("%s ka=%d idle=%d intvl=%d cnt=%d ut=%d\n", label, socket_option(fd, SOL_SOCKET, SO_KEEPALIVE),
           socket_option(fd, IPPROTO_TCP, TCP_KEEPIDLE), socket_option(fd, IPPROTO_TCP, TCP_KEEPINTVL),
           socket_option(fd, IPPROTO_TCP, TCP_KEEPCNT), socket_option(fd, IPPROTO_TCP, TCP_USER_TIMEOUT));
    fflush(stdout);
}
