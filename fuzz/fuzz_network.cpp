// addr= networks: whatever is accepted has a prefix within its family's length, is written back
// as text that parses to the same network, and contains its own address.
#include <netinet/in.h>

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>

#include "core/network.h"
#include "fuzz_support.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    std::string_view text(reinterpret_cast<const char*>(data), size);
    kashim::Network network;
    if (!kashim::parse_network(text, network)) return 0;
    unsigned max_prefix = network.family == AF_INET ? 32 : 128;
    KASHIM_FUZZ_CHECK(network.family == AF_INET || network.family == AF_INET6, text);
    KASHIM_FUZZ_CHECK(network.prefix <= max_prefix, text);

    kashim::MessageText written;
    kashim::add_network(written, network);
    kashim::Network again;
    KASHIM_FUZZ_CHECK(kashim::parse_network(written.view(), again), written.view());
    KASHIM_FUZZ_CHECK(again.family == network.family && again.prefix == network.prefix &&
                          std::memcmp(again.bytes, network.bytes, sizeof network.bytes) == 0,
                      written.view());

    sockaddr_storage address{};
    socklen_t length;
    if (network.family == AF_INET) {
        auto* in = reinterpret_cast<sockaddr_in*>(&address);
        in->sin_family = AF_INET;
        std::memcpy(&in->sin_addr, network.bytes, 4);
        length = sizeof *in;
    } else {
        auto* in6 = reinterpret_cast<sockaddr_in6*>(&address);
        in6->sin6_family = AF_INET6;
        std::memcpy(&in6->sin6_addr, network.bytes, 16);
        length = sizeof *in6;
    }
    KASHIM_FUZZ_CHECK(kashim::network_contains(network, reinterpret_cast<sockaddr*>(&address), length), text);
    return 0;
}
