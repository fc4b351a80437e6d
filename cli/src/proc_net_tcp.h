// The kernel's table of TCP sockets as /proc/net/tcp and /proc/net/tcp6 show it: per socket its
// addresses, state and the timer that is pending (the keepalive timer among them).
#pragma once

#include <sys/socket.h>

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace kashim::cli {

// The "tr" column (net/ipv4/tcp_ipv4.c, get_tcp4_sock).
enum class TcpTimer : uint8_t {
    None = 0,
    Retransmit = 1,  // data in flight: keepalive probes wait until it is acknowledged
    Keepalive = 2,   // sk_timer: the keepalive timer of a connection with SO_KEEPALIVE
    TimeWait = 3,
    ZeroWindowProbe = 4,
};

struct TcpEntry {
    uint64_t inode = 0;
    sockaddr_storage local{};
    sockaddr_storage remote{};
    int state = 0;  // TCP_ESTABLISHED ... TCP_CLOSING
    TcpTimer timer = TcpTimer::None;
    int64_t timer_ticks = 0;  // clock ticks (USER_HZ) until the timer fires
    unsigned retransmits = 0;
    unsigned probes = 0;  // keepalive (or zero-window) probes sent without an answer
};

// One data line of /proc/net/tcp or /proc/net/tcp6; empty for the header or a malformed line.
std::optional<TcpEntry> parse_tcp_line(std::string_view line, int family);

std::string_view tcp_state_name(int state);

// The TCP sockets of the network namespace process `pid` is in, by inode: /proc/PID/net/tcp and
// tcp6. Empty when they cannot be read.
std::map<uint64_t, TcpEntry> tcp_table(int pid);

// "keepalive in 29.5 s, 0 probes unanswered", "retransmit in 0.2 s (1 retries)", "none".
std::string describe_timer(const TcpEntry& entry, long ticks_per_second);

// "127.0.0.1:8080", "[::1]:443".
std::string address_text(const sockaddr_storage& address);

}  // namespace kashim::cli
