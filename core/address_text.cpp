#include "address_text.h"

#include <netinet/in.h>

namespace kashim {
namespace {

uint16_t port_of(uint16_t network_order) {
    const auto* bytes = reinterpret_cast<const uint8_t*>(&network_order);
    return static_cast<uint16_t>(bytes[0] << 8 | bytes[1]);
}

void add_ipv6(MessageText& line, const uint8_t* bytes) {
    uint16_t groups[8];
    for (int i = 0; i < 8; ++i) groups[i] = static_cast<uint16_t>(bytes[2 * i] << 8 | bytes[2 * i + 1]);
    // RFC 5952: the longest run of two or more zero groups becomes "::".
    int best_start = -1, best_length = 1;
    for (int i = 0; i < 8;) {
        int j = i;
        while (j < 8 && groups[j] == 0) ++j;
        if (j - i > best_length) {
            best_start = i;
            best_length = j - i;
        }
        i = j == i ? i + 1 : j;
    }
    for (int i = 0; i < 8; ++i) {
        if (i == best_start) {
            line.add("::");
            i += best_length - 1;
            continue;
        }
        if (i != 0 && i != best_start + best_length) line.add(':');
        line.add_hex(groups[i]);
    }
}

}  // namespace

void add_address(MessageText& line, const sockaddr* address, socklen_t length) {
    if (address != nullptr && address->sa_family == AF_INET && length >= sizeof(sockaddr_in)) {
        const auto* in = reinterpret_cast<const sockaddr_in*>(address);
        const auto* bytes = reinterpret_cast<const uint8_t*>(&in->sin_addr);
        line.add_unsigned(bytes[0]).add('.').add_unsigned(bytes[1]).add('.');
        line.add_unsigned(bytes[2]).add('.').add_unsigned(bytes[3]);
        line.add(':').add_unsigned(port_of(in->sin_port));
        return;
    }
    if (address != nullptr && address->sa_family == AF_INET6 && length >= sizeof(sockaddr_in6)) {
        const auto* in6 = reinterpret_cast<const sockaddr_in6*>(address);
        line.add('[');
        add_ipv6(line, reinterpret_cast<const uint8_t*>(&in6->sin6_addr));
        line.add("]:").add_unsigned(port_of(in6->sin6_port));
        return;
    }
    line.add("(unknown)");
}

}  // namespace kashim
