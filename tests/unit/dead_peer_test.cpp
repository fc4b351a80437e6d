// The dead-peer decision (core/dead_peer.h) on the facts the kernel gives at each way a
// connection ends. The counts are the ones Linux 6.18 reported for each case, read with TCP_INFO
// and SO_ERROR in a network namespace whose loopback was cut (tests/e2e checks the whole path).
#include "core/dead_peer.h"
#include "core/socket_plan.h"

#include <arpa/inet.h>
#include <netinet/in.h>

#include <gtest/gtest.h>

#include <cerrno>
#include <string>

namespace {

struct EndCase {
    const char* name;
    kashim_connection_end end;
    enum kashim_dead_peer_reason expected;
};

// {closed, error, probes_out, retransmits, segments_in}
const EndCase kEnds[] = {
    {"healthy ESTABLISHED", {0, 0, 0, 0, 1}, KASHIM_NOT_A_DEAD_PEER},
    {"CLOSE_WAIT: the peer sent a FIN", {0, 0, 0, 0, 2}, KASHIM_NOT_A_DEAD_PEER},
    {"ESTABLISHED while probing: not dead yet", {0, 0, 1, 0, 1}, KASHIM_NOT_A_DEAD_PEER},
    {"reset by the peer, error unread", {1, ECONNRESET, 0, 0, 2}, KASHIM_NOT_A_DEAD_PEER},
    {"reset by the peer, error read", {1, 0, 0, 0, 2}, KASHIM_NOT_A_DEAD_PEER},
    {"reset answering a keepalive probe", {1, ECONNRESET, 1, 0, 2}, KASHIM_NOT_A_DEAD_PEER},
    {"reset with data in flight", {1, EPIPE, 0, 2, 2}, KASHIM_NOT_A_DEAD_PEER},
    {"refused", {1, ECONNREFUSED, 0, 0, 1}, KASHIM_NOT_A_DEAD_PEER},
    {"never connected (socket, close)", {1, 0, 0, 0, 0}, KASHIM_NOT_A_DEAD_PEER},
    {"keepalive timeout, error unread", {1, ETIMEDOUT, 2, 0, 1}, KASHIM_DEAD_PEER_KEEPALIVE},
    {"keepalive timeout, error read by recv", {1, 0, 2, 0, 1}, KASHIM_DEAD_PEER_KEEPALIVE},
    {"keepalive timeout after an ICMP host unreachable", {1, EHOSTUNREACH, 3, 0, 5}, KASHIM_DEAD_PEER_KEEPALIVE},
    {"user timeout with data in flight", {1, ETIMEDOUT, 0, 4, 1}, KASHIM_DEAD_PEER_USER_TIMEOUT},
    {"user timeout, error read by recv", {1, 0, 0, 4, 1}, KASHIM_DEAD_PEER_USER_TIMEOUT},
    {"retransmissions exhausted, route gone", {1, ENETUNREACH, 0, 15, 9}, KASHIM_DEAD_PEER_USER_TIMEOUT},
    {"SYN unanswered, non-blocking connect", {1, ETIMEDOUT, 0, 2, 0}, KASHIM_DEAD_PEER_CONNECT},
    {"SYN unanswered, blocking connect read the error", {1, 0, 0, 2, 0}, KASHIM_DEAD_PEER_CONNECT},
    {"SYN unanswered, host unreachable", {1, EHOSTUNREACH, 0, 3, 0}, KASHIM_DEAD_PEER_CONNECT},
    {"SYN answered by a reset", {1, ECONNREFUSED, 0, 1, 1}, KASHIM_NOT_A_DEAD_PEER},
    {"SYN refused by a fatal ICMP error", {1, ENOPROTOOPT, 0, 2, 0}, KASHIM_NOT_A_DEAD_PEER},
};

TEST(DeadPeer, EachWayAConnectionEndsHasItsReason) {
    for (const EndCase& c : kEnds)
        EXPECT_EQ(kashim_dead_peer_reason(&c.end), c.expected)
            << c.name << ": got " << kashim_dead_peer_reason_name(kashim_dead_peer_reason(&c.end));
}

TEST(DeadPeer, EveryReasonHasANameAndAMeaning) {
    EXPECT_STREQ(kashim_dead_peer_reason_name(KASHIM_DEAD_PEER_KEEPALIVE), "keepalive");
    EXPECT_STREQ(kashim_dead_peer_reason_name(KASHIM_DEAD_PEER_USER_TIMEOUT), "user_timeout");
    EXPECT_STREQ(kashim_dead_peer_reason_name(KASHIM_DEAD_PEER_CONNECT), "connect");
    EXPECT_STREQ(kashim_dead_peer_reason_name(KASHIM_NOT_A_DEAD_PEER), "none");
    EXPECT_STREQ(kashim_dead_peer_reason_meaning(KASHIM_DEAD_PEER_CONNECT), "a SYN never answered");
    EXPECT_EQ(KASHIM_DEAD_PEER_REASONS, 3);
}

sockaddr_in6 ipv6(const char* text, uint16_t port) {
    sockaddr_in6 address{};
    address.sin6_family = AF_INET6;
    address.sin6_port = htons(port);
    inet_pton(AF_INET6, text, &address.sin6_addr);
    return address;
}

std::string line_for(int reason, const sockaddr* peer, socklen_t length, uint32_t silent_ms) {
    kashim::MessageText line;
    kashim::describe_dead_peer(line, reason, peer, length, silent_ms);
    return std::string(line.view());
}

TEST(DeadPeerLine, NamesThePeerTheReasonAndHowLongItWasSilent) {
    sockaddr_in peer{};
    peer.sin_family = AF_INET;
    peer.sin_port = htons(5432);
    inet_pton(AF_INET, "192.0.2.7", &peer.sin_addr);
    EXPECT_EQ(line_for(KASHIM_DEAD_PEER_KEEPALIVE, reinterpret_cast<sockaddr*>(&peer), sizeof peer, 12300),
              "connection to 192.0.2.7:5432 ended on a dead peer (keepalive): keepalive probes unanswered on an "
              "idle connection; nothing heard from it for 12.300 s");
    sockaddr_in6 peer6 = ipv6("2001:db8::1", 443);
    EXPECT_EQ(line_for(KASHIM_DEAD_PEER_USER_TIMEOUT, reinterpret_cast<sockaddr*>(&peer6), sizeof peer6, 3000),
              "connection to [2001:db8::1]:443 ended on a dead peer (user_timeout): data unacknowledged past the "
              "user timeout, or retransmissions exhausted; nothing heard from it for 3 s");
}

TEST(DeadPeerLine, ASynNeverAnsweredHasNoSilenceToTell) {
    sockaddr_in6 peer = ipv6("2001:db8::2", 80);
    EXPECT_EQ(line_for(KASHIM_DEAD_PEER_CONNECT, reinterpret_cast<sockaddr*>(&peer), sizeof peer, 123456),
              "connection to [2001:db8::2]:80 ended on a dead peer (connect): a SYN never answered");
}

TEST(DeadPeerLine, AnUnknownPeerIsSaidSo) {
    EXPECT_EQ(line_for(KASHIM_DEAD_PEER_CONNECT, nullptr, 0, 0),
              "connection to (unknown) ended on a dead peer (connect): a SYN never answered");
}

}  // namespace
