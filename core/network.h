// Address ranges in rules: "10.0.0.0/8", "2001:db8::/32", or a single host "::1".
#pragma once

#include <sys/socket.h>

#include <cstdint>
#include <string_view>

#include "report.h"

namespace kashim {

struct Network {
    int family = 0;  // AF_INET or AF_INET6
    uint8_t bytes[16] = {};
    unsigned prefix = 0;
};

// False for anything that is not exactly an address with an optional in-range prefix.
bool parse_network(std::string_view text, Network& network);

// Whether `address` (an AF_INET or AF_INET6 sockaddr) lies in `network`. An IPv4-mapped IPv6
// address (::ffff:a.b.c.d, what a dual-stack socket reports) is matched as the IPv4 address.
bool network_contains(const Network& network, const sockaddr* address, socklen_t length);

void add_network(MessageText& line, const Network& network);

// The port of an AF_INET or AF_INET6 address in host order, 0 for anything else.
uint16_t port_of(const sockaddr* address, socklen_t length);

// The local port of socket `fd` in host order, 0 when it has none or `get_name` (getsockname, an
// engine's own call; the core makes none) fails.
uint16_t local_port(int fd, int (*get_name)(int fd, sockaddr* address, socklen_t* length));

}  // namespace kashim
