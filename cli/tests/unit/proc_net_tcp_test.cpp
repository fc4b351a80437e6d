#include "proc_net_tcp.h"

#include <gtest/gtest.h>
#include <netinet/tcp.h>

namespace kashim::cli {
namespace {

constexpr char kHeader[] =
    "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode";
constexpr char kListener[] =
    "   0: 0100007F:0277 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 12345 1 "
    "0000000000000000 100 0 0 10 0";
constexpr char kKeepalive[] =
    "   1: 0100007F:9C40 0100007F:1F90 01 00000000:00000000 02:00000BB8 00000000     0        2 23456 1 "
    "0000000000000000 20 4 30 10 -1";
constexpr char kRetransmitting[] =
    "   2: 0100007F:9C41 0200000A:01BB 01 00000010:00000000 01:00000014 00000003  1000        0 3456 2 "
    "0000000000000000 800 0 0 1 7";
constexpr char kIpv6[] =
    "   0: 00000000000000000000000001000000:1F90 00000000000000000000000001000000:A1B2 01 00000000:00000000 "
    "00:00000000 00000000  1000        0 34567 1 0000000000000000 20 4 1 10 -1";

TEST(ParseTcpLine, HeaderAndGarbageAreSkipped) {
    EXPECT_FALSE(parse_tcp_line(kHeader, AF_INET));
    EXPECT_FALSE(parse_tcp_line("", AF_INET));
    EXPECT_FALSE(parse_tcp_line("   0: zzzz:0277 00000000:0000 0A 0:0 00:0 0 0 0 1", AF_INET));
    EXPECT_FALSE(parse_tcp_line(kListener, AF_INET6));  // IPv4 words where IPv6 ones belong
}

TEST(ParseTcpLine, AListenerGivesItsAddressStateAndInode) {
    std::optional<TcpEntry> entry = parse_tcp_line(kListener, AF_INET);
    ASSERT_TRUE(entry);
    EXPECT_EQ(entry->inode, 12345u);
    EXPECT_EQ(entry->state, TCP_LISTEN);
    EXPECT_EQ(address_text(entry->local), "127.0.0.1:631");
    EXPECT_EQ(address_text(entry->remote), "0.0.0.0:0");
    EXPECT_EQ(entry->timer, TcpTimer::None);
    EXPECT_EQ(describe_timer(*entry, 100), "none");
}

TEST(ParseTcpLine, KeepaliveTimer) {
    std::optional<TcpEntry> entry = parse_tcp_line(kKeepalive, AF_INET);
    ASSERT_TRUE(entry);
    EXPECT_EQ(entry->state, TCP_ESTABLISHED);
    EXPECT_EQ(address_text(entry->local), "127.0.0.1:40000");
    EXPECT_EQ(address_text(entry->remote), "127.0.0.1:8080");
    EXPECT_EQ(entry->timer, TcpTimer::Keepalive);
    EXPECT_EQ(entry->timer_ticks, 3000);
    EXPECT_EQ(entry->probes, 2u);
    EXPECT_EQ(describe_timer(*entry, 100), "keepalive in 30 s, 2 probes unanswered");
}

TEST(ParseTcpLine, RetransmitTimer) {
    std::optional<TcpEntry> entry = parse_tcp_line(kRetransmitting, AF_INET);
    ASSERT_TRUE(entry);
    EXPECT_EQ(address_text(entry->remote), "10.0.0.2:443");
    EXPECT_EQ(entry->retransmits, 3u);
    EXPECT_EQ(describe_timer(*entry, 100), "retransmit in 0.2 s (3 retries)");
}

TEST(ParseTcpLine, Ipv6AddressesAreReadInTheKernelsWordOrder) {
    std::optional<TcpEntry> entry = parse_tcp_line(kIpv6, AF_INET6);
    ASSERT_TRUE(entry);
    EXPECT_EQ(address_text(entry->local), "[::1]:8080");
    EXPECT_EQ(address_text(entry->remote), "[::1]:41394");
    EXPECT_EQ(entry->inode, 34567u);
}

TEST(TcpStateName, KnownStatesByNameAndTheRestUnknown) {
    EXPECT_EQ(tcp_state_name(TCP_ESTABLISHED), "ESTABLISHED");
    EXPECT_EQ(tcp_state_name(TCP_CLOSE_WAIT), "CLOSE_WAIT");
    EXPECT_EQ(tcp_state_name(99), "UNKNOWN");
}

}  // namespace
}  // namespace kashim::cli
