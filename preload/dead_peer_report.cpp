#include "dead_peer_report.h"

#include <netinet/in.h>
#include <poll.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <ctime>

#include "../core/dead_peer.h"
#include "../log/logger.h"
#include "fd_registry.h"
#include "../sources/tcp_end.h"

namespace kashim {

bool watch_connection(int fd) {
    FdState state = fd_registry.get(fd);
    if (state.kind != FdKind::Managed || !log_wanted(LogLevel::Info)) return false;
    if (!state.watched) {
        state.watched = true;
        fd_registry.set(fd, state);
    }
    return true;
}

namespace {

// SO_PEERNAME still answers in CLOSE, where getpeername() says ENOTCONN (a blocking connect()
// that failed has had the peer wiped, though). It refuses a buffer longer than the address, so
// an IPv4 one is asked first and an IPv6 one again in full.
bool read_peer(int fd, DeadPeerEnd& end) {
    for (socklen_t length : {socklen_t{sizeof(sockaddr_in)}, socklen_t{sizeof(sockaddr_in6)}}) {
        end.peer_length = length;
        if (getsockopt(fd, SOL_SOCKET, SO_PEERNAME, &end.peer, &end.peer_length) != 0) break;
        if (end.peer.ss_family != AF_INET6 || length == sizeof(sockaddr_in6)) return true;
    }
    end.peer_length = 0;
    return false;
}

}  // namespace

DeadPeerEnd how_it_ended(int fd, int known_error, const sockaddr* asked, socklen_t asked_length) {
    DeadPeerEnd end;
    int saved_errno = errno;
    // First the cheapest question, half the price of TCP_INFO: the kernel says POLLHUP of a TCP
    // socket in CLOSE (or shut both ways), so an open connection, healthy or half closed, ends the
    // check here. A raw ppoll: libc's poll() is a cancellation point, and close() must close.
    pollfd polled{fd, 0, 0};
    timespec now{};
    TcpEnd tcp;
    if (syscall(SYS_ppoll, &polled, 1, &now, nullptr, 0) != 1 || (polled.revents & POLLHUP) == 0 ||
        !read_tcp_end(fd, tcp) || !tcp.facts.closed) {
        errno = saved_errno;
        return end;
    }
    end.closed = true;
    // The counts alone rule out most endings (a reset, a refusal, never connected) whatever the
    // error. Only when they name a reason is the error read, and only when one is pending
    // (POLLERR): SO_ERROR clears it, and the program may not have read it yet.
    if (kashim_dead_peer_reason(&tcp.facts) != KASHIM_NOT_A_DEAD_PEER) {
        tcp.facts.error = known_error;
        socklen_t length = sizeof tcp.facts.error;
        if (known_error == 0 && (polled.revents & POLLERR) != 0 &&
            getsockopt(fd, SOL_SOCKET, SO_ERROR, &tcp.facts.error, &length) != 0)
            tcp.facts.error = 0;
        end.reason = kashim_dead_peer_reason(&tcp.facts);
    }
    if (end.reason != KASHIM_NOT_A_DEAD_PEER) {
        end.silent_ms = tcp.silent_ms;
        if (!read_peer(fd, end) && asked != nullptr && asked_length <= sizeof end.peer) {
            __builtin_memcpy(&end.peer, asked, asked_length);
            end.peer_length = asked_length;
        }
    }
    errno = saved_errno;
    return end;
}

void log_dead_peer(const DeadPeerEnd& end) {
    if (end.reason == KASHIM_NOT_A_DEAD_PEER) return;
    MessageText line;
    line.add("kashim: ");
    describe_dead_peer(line, end.reason, end.peer_length != 0 ? reinterpret_cast<const sockaddr*>(&end.peer) : nullptr,
                       end.peer_length, end.silent_ms);
    log_line(LogLevel::Info, line);
}

void after_failed_connect(int fd, int error, const sockaddr* asked, socklen_t asked_length) {
    // Still under way, or not the connection's end.
    if (error == EINPROGRESS || error == EALREADY || error == EINTR || error == EAGAIN || error == EISCONN) return;
    DeadPeerEnd end = how_it_ended(fd, error, asked, asked_length);
    if (!end.closed) return;
    int saved_errno = errno;
    FdState state = fd_registry.get(fd);
    if (state.watched) {
        state.watched = false;
        fd_registry.set(fd, state);
    }
    log_dead_peer(end);
    errno = saved_errno;
}

}  // namespace kashim
