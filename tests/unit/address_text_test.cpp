#include "core/address_text.h"

#include <arpa/inet.h>
#include <netinet/in.h>

#include <gtest/gtest.h>

#include <string>

using namespace kashim;

namespace {

std::string text_of(const sockaddr* address, socklen_t length) {
    MessageText line;
    add_address(line, address, length);
    return std::string(line.view());
}

std::string ipv6(const char* address, uint16_t port) {
    sockaddr_in6 in6{};
    in6.sin6_family = AF_INET6;
    in6.sin6_port = htons(port);
    inet_pton(AF_INET6, address, &in6.sin6_addr);
    return text_of(reinterpret_cast<sockaddr*>(&in6), sizeof in6);
}

}  // namespace

TEST(AddressText, Ipv4IsAddressColonPort) {
    sockaddr_in in{};
    in.sin_family = AF_INET;
    in.sin_port = htons(5432);
    inet_pton(AF_INET, "192.0.2.17", &in.sin_addr);
    EXPECT_EQ(text_of(reinterpret_cast<sockaddr*>(&in), sizeof in), "192.0.2.17:5432");
}

TEST(AddressText, Ipv6MatchesInetNtop) {
    for (const char* address : {"::1", "::", "2001:db8::1", "fe80::1:2:3:4", "2001:db8:0:0:1:0:0:1",
                                "1:2:3:4:5:6:7:8", "::ffff:127.0.0.1", "1::", "1:0:2::", "0:1:0:1:0:1:0:1"}) {
        in6_addr parsed;
        ASSERT_EQ(inet_pton(AF_INET6, address, &parsed), 1);
        char expected[INET6_ADDRSTRLEN];
        inet_ntop(AF_INET6, &parsed, expected, sizeof expected);
        std::string want = std::string("[") + expected + "]:443";
        // inet_ntop prints IPv4-mapped addresses in dotted form; kashim prints plain hex groups.
        if (std::string(expected).find('.') != std::string::npos) want = "[::ffff:7f00:1]:443";
        EXPECT_EQ(ipv6(address, 443), want);
    }
}

TEST(AddressText, UnknownOrShort) {
    sockaddr_in in{};
    in.sin_family = AF_INET;
    EXPECT_EQ(text_of(reinterpret_cast<sockaddr*>(&in), 4), "(unknown)");
    EXPECT_EQ(text_of(nullptr, 0), "(unknown)");
}
