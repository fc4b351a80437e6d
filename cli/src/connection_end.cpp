#include "connection_end.h"

#include <cerrno>
#include <cstring>

#include "core/dead_peer.h"
#include "sources/tcp_end.h"

namespace kashim::cli {

ConnectionState connection_state(int socket) {
    TcpEnd end;
    ConnectionState state;
    if (!read_tcp_end(socket, end)) return state;
    state.readable = true;
    state.closed = end.facts.closed != 0;
    state.dead_peer = kashim_dead_peer_reason(&end.facts);
    return state;
}
std::string end_text(const ConnectionState& state) {
    if (state.dead_peer != KASHIM_NOT_A_DEAD_PEER)
        return std::string(std::strerror(ETIMEDOUT)) + ": " + kashim_dead_peer_reason_meaning(state.dead_peer);
    return "closed, not on a dead peer (a reset, or closed by the program)";
}

}  // namespace kashim::cli
