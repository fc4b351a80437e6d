#include "core/socket_plan.h"

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <sys/un.h>

#include <gtest/gtest.h>

using namespace kashim;

namespace {

KeepaliveSettings settings(std::optional<int> idle, std::optional<int> intvl, std::optional<int> cnt,
                           UserTimeoutSetting user_timeout = {}) {
    KeepaliveSettings s;
    s.idle_s = idle;
    s.intvl_s = intvl;
    s.cnt = cnt;
    s.user_timeout = user_timeout;
    return s;
}

constexpr UserTimeoutSetting kAuto{UserTimeoutSetting::Kind::Auto, 0};

}  // namespace

TEST(Plan, NothingConfiguredStillTurnsKeepaliveOn) {
    SocketPlan plan = plan_keepalive(settings({}, {}, {}), KernelKeepalive{});
    ASSERT_EQ(plan.count, 1);
    EXPECT_EQ(plan.options[0].level, SOL_SOCKET);
    EXPECT_EQ(plan.options[0].name, SO_KEEPALIVE);
    EXPECT_EQ(plan.options[0].value, 1);
    EXPECT_EQ(plan.pinned, kOptKeepalive);
}

TEST(Plan, OnlyTheConfiguredOptionsAreSet) {
    SocketPlan plan = plan_keepalive(settings(10, {}, 3), KernelKeepalive{});
    ASSERT_EQ(plan.count, 3);
    EXPECT_EQ(plan.options[1].name, TCP_KEEPIDLE);
    EXPECT_EQ(plan.options[1].value, 10);
    EXPECT_EQ(plan.options[2].name, TCP_KEEPCNT);
    EXPECT_EQ(plan.pinned, kOptKeepalive | kOptIdle | kOptCnt);
}

TEST(Plan, AutoUserTimeoutUsesKernelValuesWhereUnset) {
    KernelKeepalive kernel{100, 20, 4};
    EXPECT_EQ(effective_user_timeout_ms(settings(10, 5, 3, kAuto), kernel), 25000u);
    EXPECT_EQ(effective_user_timeout_ms(settings(10, {}, {}, kAuto), kernel), 90000u);
    SocketPlan plan = plan_keepalive(settings(10, 5, 3, kAuto), kernel);
    ASSERT_EQ(plan.count, 5);
    EXPECT_EQ(plan.options[4].name, TCP_USER_TIMEOUT);
    EXPECT_EQ(plan.options[4].value, 25000);
}

TEST(Plan, AutoUserTimeoutIsClampedToTheOptionRange) {
    KernelKeepalive kernel;
    EXPECT_EQ(effective_user_timeout_ms(settings(32767, 32767, 127, kAuto), kernel), 2147483647u);
}

TEST(Plan, OffAndUnsetUserTimeoutLeaveTheKernelValue) {
    SocketPlan plan = plan_keepalive(settings(10, 5, 3, {UserTimeoutSetting::Kind::Off, 0}), KernelKeepalive{});
    EXPECT_EQ(plan.count, 4);
    EXPECT_EQ(plan.pinned & kOptUserTimeout, 0);
}

TEST(Classify, OnlyInetStreamSocketsOfTcpAreTcpRequests) {
    EXPECT_TRUE(is_tcp_socket_request(AF_INET, SOCK_STREAM, 0));
    EXPECT_TRUE(is_tcp_socket_request(AF_INET6, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, IPPROTO_TCP));
    EXPECT_FALSE(is_tcp_socket_request(AF_INET, SOCK_DGRAM, 0));
    EXPECT_FALSE(is_tcp_socket_request(AF_UNIX, SOCK_STREAM, 0));
    EXPECT_FALSE(is_tcp_socket_request(AF_INET, SOCK_RAW, IPPROTO_TCP));
    EXPECT_FALSE(is_tcp_socket_request(AF_INET, SOCK_SEQPACKET, 0));
    EXPECT_FALSE(is_tcp_socket_request(AF_INET, SOCK_STREAM, IPPROTO_SCTP));
    EXPECT_FALSE(is_tcp_socket_request(AF_INET, SOCK_STREAM, 262 /* MPTCP */));
    EXPECT_FALSE(is_tcp_socket_request(AF_NETLINK, SOCK_RAW, 0));
}

TEST(Detection, WithoutUserTimeoutItIsIdlePlusProbes) {
    DetectionBound bound = detection_bound(settings(10, 5, 3), KernelKeepalive{});
    EXPECT_EQ(bound.idle_ms, 25000u);
    EXPECT_EQ(bound.in_flight_ms, 0u);
    EXPECT_EQ(detection_bound(settings({}, {}, {}), KernelKeepalive{}).idle_ms, 7875000u);
}

TEST(Detection, UserTimeoutEndsAtTheFirstProbeTickPastIt) {
    // Probes at 10, 15, 20, ... s; a 12 s timeout is noticed at the 15 s tick.
    DetectionBound bound = detection_bound(settings(10, 5, 9, {UserTimeoutSetting::Kind::Millis, 12000}), {});
    EXPECT_EQ(bound.idle_ms, 15000u);
    EXPECT_EQ(bound.in_flight_ms, 12000u);
    // Shorter than idle: still needs one probe out.
    EXPECT_EQ(detection_bound(settings(10, 5, 9, {UserTimeoutSetting::Kind::Millis, 1000}), {}).idle_ms, 15000u);
    // auto equals the probe-count bound.
    EXPECT_EQ(detection_bound(settings(10, 5, 3, kAuto), {}).idle_ms, 25000u);
}

TEST(Describe, TheLoadLineSaysWhatIsInForce) {
    Config config;
    config.keepalive = settings(10, 5, 3, kAuto);
    MessageText line;
    describe_active(config, KernelKeepalive{}, line);
    EXPECT_EQ(line.view(),
              "active, policy cap: keepalive on, idle 10 s, intvl 5 s, cnt 3, user timeout 25 s (auto); "
              "a dead peer is noticed within 25 s when idle, 25 s with data in flight");
    config.keepalive = settings({}, {}, {});
    line.clear();
    describe_active(config, KernelKeepalive{}, line);
    EXPECT_EQ(line.view(),
              "active, policy cap: keepalive on, idle 7200 s (kernel), intvl 75 s (kernel), cnt 9 (kernel), "
              "user timeout kernel default; a dead peer is noticed within 7875 s when idle, only after the "
              "retransmission timeout (tcp_retries2) with data in flight");
}
