// connect(): where a rule meets its outgoing connection, and where TCP sockets made behind
// kashim's back (inherited, raw syscall, libc-internal) are caught before their first packet.
// Sockets already configured cost nothing here but, with the info log on, a mark in the registry
// that their close is to ask how the connection ended (dead_peer_report.h).
#include <sys/socket.h>

#include "hook.h"
#include "configure_socket.h"
#include "dead_peer_report.h"
#include "real_functions.h"

using namespace kashim;

KASHIM_HOOK int connect(int fd, const sockaddr* address, socklen_t length) {
    bool watched = false;
    if (address != nullptr && length >= sizeof(sa_family_t) && is_inet_family(address->sa_family)) {
        if (const Runtime* runtime = active_runtime("connect()")) {
            FdState state = discover(fd);
            if (state.kind == FdKind::Pending)
                configure_connection(fd, state, *runtime, {Direction::Out, address, length, port_of(address, length)},
                                     "connect to");
            watched = watch_connection(fd);
        }
    }
    int result = real_connect(fd, address, length);
    if (result != 0 && watched) after_failed_connect(fd, errno, address, length);
    return result;
}
