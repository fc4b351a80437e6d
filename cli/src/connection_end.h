// How a connection ended, from TCP_INFO on a socket this process holds (a duplicate of the
// program's, for kashim drill), decided by core/dead_peer.h as every engine decides it. SO_ERROR
// is never read: on a duplicate that would clear the error the program has yet to see, so the
// decision is made with error 0, from the counts.
#pragma once

#include <string>

namespace kashim::cli {

struct ConnectionState {
    bool readable = false;  // TCP_INFO could be read
    bool closed = false;    // tcpi_state is CLOSE
    int dead_peer = 0;      // kashim_dead_peer_reason, once closed: why, if on a dead peer
};

ConnectionState connection_state(int socket);

// "Connection timed out: keepalive probes unanswered on an idle connection", or what else ended it.
std::string end_text(const ConnectionState& state);

}  // namespace kashim::cli
