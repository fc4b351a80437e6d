#include "network.h"

#include <arpa/inet.h>
#include <netinet/in.h>

#include <cstring>

#include "duration.h"

namespace kashim {
namespace {

constexpr uint8_t kMappedPrefix[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};

bool prefix_matches(const uint8_t* network, const uint8_t* address, unsigned prefix) {
    unsigned whole = prefix / 8, rest = prefix % 8;
    if (std::memcmp(network, address, whole) != 0) return false;
    if (rest == 0) return true;
    uint8_t mask = static_cast<uint8_t>(0xff << (8 - rest));
    return (network[whole] & mask) == (address[whole] & mask);
}

}  // namespace

bool parse_network(std::string_view text, Network& network) {
    size_t slash = text.find('/');
    std::string_view host = slash == std::string_view::npos ? text : std::string_view(text.data(), slash);
    char address[INET6_ADDRSTRLEN + 1];
    if (host.empty() || host.size() >= sizeof address) return false;
    std::memcpy(address, host.data(), host.size());
    address[host.size()] = '\0';

    Network parsed;
    unsigned max_prefix;
    if (inet_pton(AF_INET, address, parsed.bytes) == 1) {
        parsed.family = AF_INET;
        max_prefix = 32;
    } else if (inet_pton(AF_INET6, address, parsed.bytes) == 1) {
        parsed.family = AF_INET6;
        max_prefix = 128;
    } else {
        return false;
    }
    parsed.prefix = max_prefix;
    if (slash != std::string_view::npos) {
        ParsedNumber prefix = parse_count(std::string_view(text.data() + slash + 1, text.size() - slash - 1));
        if (prefix.error != NumberError::None || prefix.value > max_prefix) return false;
        parsed.prefix = static_cast<unsigned>(prefix.value);
    }
    network = parsed;
    return true;
}

bool network_contains(const Network& network, const sockaddr* address, socklen_t length) {
    if (address == nullptr) return false;
    const uint8_t* bytes = nullptr;
    int family = address->sa_family;
    if (family == AF_INET && length >= sizeof(sockaddr_in)) {
        bytes = reinterpret_cast<const uint8_t*>(&reinterpret_cast<const sockaddr_in*>(address)->sin_addr);
    } else if (family == AF_INET6 && length >= sizeof(sockaddr_in6)) {
        bytes = reinterpret_cast<const uint8_t*>(&reinterpret_cast<const sockaddr_in6*>(address)->sin6_addr);
        if (network.family == AF_INET && std::memcmp(bytes, kMappedPrefix, sizeof kMappedPrefix) == 0) {
            bytes += sizeof kMappedPrefix;
            family = AF_INET;
        }
    }
    return bytes != nullptr && family == network.family && prefix_matches(network.bytes, bytes, network.prefix);
}

uint16_t port_of(const sockaddr* address, socklen_t length) {
    if (address == nullptr) return 0;
    if (address->sa_family == AF_INET && length >= sizeof(sockaddr_in))
        return ntohs(reinterpret_cast<const sockaddr_in*>(address)->sin_port);
    if (address->sa_family == AF_INET6 && length >= sizeof(sockaddr_in6))
        return ntohs(reinterpret_cast<const sockaddr_in6*>(address)->sin6_port);
    return 0;
}

uint16_t local_port(int fd, int (*get_name)(int fd, sockaddr* address, socklen_t* length)) {
    sockaddr_storage local{};
    socklen_t length = sizeof local;
    if (get_name(fd, reinterpret_cast<sockaddr*>(&local), &length) != 0) return 0;
    return port_of(reinterpret_cast<sockaddr*>(&local), length);
}

void add_network(MessageText& line, const Network& network) {
    char text[INET6_ADDRSTRLEN];
    if (inet_ntop(network.family, network.bytes, text, sizeof text) == nullptr) return;
    line.add(text);
    if (network.prefix != (network.family == AF_INET ? 32u : 128u)) line.add('/').add_unsigned(network.prefix);
}

}  // namespace kashim
