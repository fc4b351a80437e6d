#include "tcp_end.h"

#include <linux/tcp.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <cstddef>

namespace kashim {

bool read_tcp_end(int fd, TcpEnd& end) {
    tcp_info info{};
    socklen_t length = sizeof info;
    if (getsockopt(fd, IPPROTO_TCP, TCP_INFO, &info, &length) != 0) return false;
    if (length < offsetof(tcp_info, tcpi_segs_in) + sizeof info.tcpi_segs_in) return false;
    constexpr uint8_t kTcpClose = 7;  // TCP_CLOSE, from the kernel's net/tcp_states.h
    end.facts = {info.tcpi_state == kTcpClose, 0, info.tcpi_probes, info.tcpi_retransmits, info.tcpi_segs_in};
    // The keepalive timer counts from whichever came last, data or a bare acknowledgement.
    end.silent_ms = info.tcpi_last_data_recv < info.tcpi_last_ack_recv ? info.tcpi_last_data_recv
                                                                       : info.tcpi_last_ack_recv;
    return true;
}

}  // namespace kashim
