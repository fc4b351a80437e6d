#include "connection_end.h"

// The kernel's struct tcp_info, which has tcpi_segs_in (glibc's <netinet/tcp.h> stops short of it).
#include <linux/tcp.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <cerrno>
#include <cstring>

#include "core/dead_peer.h"

namespace kashim::cli {
namespace {

constexpr int kTcpClose = 7;  // the kernel's TCP_CLOSE (include/net/tcp_states.h)

}  // namespace

ConnectionState connection_state(int socket) {
    tcp_info info{};
    socklen_t length = sizeof info;
    ConnectionState state;
    if (getsockopt(socket, IPPROTO_TCP, TCP_INFO, &info, &length) != 0) return state;
    state.readable = true;
    state.closed = info.tcpi_state == kTcpClose;
    kashim_connection_end end{state.closed, 0, info.tcpi_probes, info.tcpi_retransmits, info.tcpi_segs_in};
    state.dead_peer = kashim_dead_peer_reason(&end);
    return state;
}

std::string end_text(const ConnectionState& state) {
    if (state.dead_peer != KASHIM_NOT_A_DEAD_PEER)
        return std::string(std::strerror(ETIMEDOUT)) + ": " + kashim_dead_peer_reason_meaning(state.dead_peer);
    return "closed, not on a dead peer (a reset, or closed by the program)";
}

}  // namespace kashim::cli
