// The decisions: which sockets are kashim's business, what to set on them, and whether an
// application's own setsockopt may change it.
#pragma once

#include <sys/socket.h>

#include <cstdint>

#include "config.h"
#include "keepalive_options.h"

namespace kashim {

// The values a socket gets when nothing sets them (net.ipv4.tcp_keepalive_*).
struct KernelKeepalive {
    int idle_s = 7200;
    int intvl_s = 75;
    int cnt = 9;
};

// The keepalive options as bits of a set, bit i for the decision table's option i.
enum OptionBit : uint8_t {
    kOptKeepalive = KASHIM_OPTION_BIT(KASHIM_OPTION_KEEPALIVE),
    kOptIdle = KASHIM_OPTION_BIT(KASHIM_OPTION_IDLE),
    kOptIntvl = KASHIM_OPTION_BIT(KASHIM_OPTION_INTVL),
    kOptCnt = KASHIM_OPTION_BIT(KASHIM_OPTION_CNT),
    kOptUserTimeout = KASHIM_OPTION_BIT(KASHIM_OPTION_USER_TIMEOUT),
};
static_assert(kOptUserTimeout == KASHIM_OPTION_BIT(KASHIM_OPTION_COUNT - 1),
              "an OptionBit for every option of the table");

// Where option `bit` sits in the decision table (keepalive_options.h), -1 for anything else.
int option_index(uint8_t bit);

struct SocketOption {
    int level = 0;
    int name = 0;
    int value = 0;
    uint8_t bit = 0;
};

// "TCP_KEEPIDLE" and so on, for log lines.
std::string_view option_bit_name(uint8_t bit);

// The setsockopt calls one socket needs, in order, and nothing more.
struct SocketPlan {
    SocketOption options[KASHIM_OPTION_COUNT] = {};
    uint8_t count = 0;
    uint8_t pinned = 0;  // OptionBits the operator set, which the override policy protects
};

// Options with a value each, by option index: how the decision table and the BPF programs take a
// plan, or what a program chose itself.
struct OptionValues {
    uint8_t set = 0;                       // OptionBits
    int values[KASHIM_OPTION_COUNT] = {};  // meaningful only for the bits in `set`
};

OptionValues option_values(const SocketPlan& plan);

SocketPlan plan_keepalive(const KeepaliveSettings& settings, const KernelKeepalive& kernel);

// The parts a detect= duration D implies, for those the layer does not set itself: three probes
// D/6 apart after an idle time of the rest (fewer probes, one second apart, below 4 s), and a
// user timeout equal to that probing time, which is D in whole seconds (less only when D has a
// fraction or the kernel's limits cap it). 30 s gives idle 15 s, intvl 5 s, cnt 3, user timeout 30 s.
KeepaliveSettings expand_detect(const KeepaliveSettings& layer);

// `over` laid on `base`: every part `over` sets wins.
KeepaliveSettings layered(const KeepaliveSettings& base, const KeepaliveSettings& over);

// Warns when the explicit parts of a layer break its own detect bound (`label` names it).
void check_detect_bound(const KeepaliveSettings& layer, std::string_view label, LoadReport& report);

// One plan for connections no rule matches, one per rule (count 0: the rule says off).
struct PlanSet {
    SocketPlan global;
    SocketPlan rules[RuleSet::kCapacity];
};

PlanSet build_plans(const Config& config, const KernelKeepalive& kernel);

// The user timeout in milliseconds that `settings` asks for, 0 when it leaves the kernel's.
uint32_t effective_user_timeout_ms(const KeepaliveSettings& settings, const KernelKeepalive& kernel);

// AF_INET or AF_INET6, SOCK_STREAM once SOCK_NONBLOCK|SOCK_CLOEXEC are masked, protocol 0 or TCP.
bool is_tcp_socket_request(int domain, int type, int protocol);
inline bool is_inet_family(int family) { return family == AF_INET || family == AF_INET6; }

// The OptionBit a setsockopt (level, name) would change, 0 when it is not a keepalive option.
uint8_t keepalive_option_bit(int level, int name);

struct DetectionBound {
    uint64_t idle_ms;       // worst case to notice a dead peer on an idle connection
    uint64_t in_flight_ms;  // with unacknowledged data; 0 when only the retransmission timer bounds it
};

DetectionBound detection_bound(const KeepaliveSettings& settings, const KernelKeepalive& kernel);

// The debug line's account of one socket configured: "connect to 192.0.2.1:80 (rule 2): set
// SO_KEEPALIVE=1 ...". `peer` may be null; `rule` is -1 for the global settings.
void describe_configured(MessageText& line, const char* event, const sockaddr* peer, socklen_t peer_length, int rule,
                         const SocketPlan& plan, uint8_t skip);

// The info line for a connection kashim configured that ended on a dead peer, `reason` one of
// core/dead_peer.h's: "connection to 192.0.2.1:5432 ended on a dead peer (keepalive): keepalive
// probes unanswered on an idle connection; nothing heard from it for 12.3 s". `silent_ms`: how
// long the peer had been silent when the program let go of the socket (for a reason other than
// connect, where nothing was ever heard).
void describe_dead_peer(MessageText& line, int reason, const sockaddr* peer, socklen_t peer_length, uint32_t silent_ms);

// The one line logged at info when the shim loads.
void describe_active(const Config& config, const KernelKeepalive& kernel, MessageText& line);

}  // namespace kashim
