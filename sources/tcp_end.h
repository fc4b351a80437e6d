// What TCP_INFO says of a socket as the program lets go of it, in the terms of core/dead_peer.h.
// Apart from everything else: <linux/tcp.h>, which has the fields this needs (tcpi_segs_in),
// cannot share a translation unit with libc's <netinet/tcp.h>, which the core includes.
#pragma once

#include <cstdint>

#include "../core/dead_peer.h"

namespace kashim {

struct TcpEnd {
    kashim_connection_end facts{};  // error left 0: reading it has a cost (see dead_peer_report.cpp)
    uint32_t silent_ms = 0;         // since anything was last heard from the peer
};

// One getsockopt(TCP_INFO). False when the kernel does not answer it, or is older than Linux 4.2
// and leaves out tcpi_segs_in, without which a SYN never answered cannot be told from the rest.
bool read_tcp_end(int fd, TcpEnd& end);

}  // namespace kashim
