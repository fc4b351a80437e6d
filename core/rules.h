// Per-destination rules (KA_RULES, "rule" lines): the first rule whose selectors all match a
// connection decides its settings; what a rule does not name comes from the global settings.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "keepalive_options.h"
#include "keepalive_settings.h"
#include "network.h"
#include "report.h"

namespace kashim {

enum class Direction : uint8_t { Any, In, Out };

struct Rule {
    // Selectors
    Direction direction = Direction::Any;
    bool has_network = false;
    Network network;
    bool has_port = false;
    uint16_t port_low = 0, port_high = 0;
    TextBuffer<64> program;  // empty: any program
    // Actions
    bool off = false;  // no keepalive from kashim for this connection
    KeepaliveSettings settings;
};

struct RuleSet {
    static constexpr size_t kCapacity = KASHIM_MAX_RULES;
    Rule rules[kCapacity];
    // After the rules: every load reads the count, and the rules are the last part of a Config,
    // so the count shares its page with what a load writes next (see preload/runtime.h).
    size_t count = 0;
    bool overflow_reported = false;  // "more than 32 rules" is said once, not once per rule
};

// Appends the rules in `text` ("sel=... act=...; ..."). A malformed rule is reported with its
// number and skipped whole; the others still count. `source` names where the text came from
// ("KA_RULES", "/etc/kashim.conf:7: rule").
void parse_rules(std::string_view text, std::string_view source, RuleSet& rules, LoadReport& report);

// What kashim knows about a connection when it must decide.
struct Connection {
    Direction direction;
    const sockaddr* peer;  // may be null when not needed
    socklen_t peer_length;
    uint16_t service_port;  // remote port going out, local port coming in
};

// The index of the first matching rule, or -1.
int match_rule(const RuleSet& rules, const Connection& connection);

// Keeps the rules that can apply to `program` and drops their prog= selector, since the program
// never changes after load (exec starts a new load).
void keep_rules_for_program(RuleSet& rules, std::string_view program);

// What the placement of the settings must wait for, given the rules in force.
struct RuleNeeds {
    bool any = false;           // rules exist: settings wait for connect(), listen() or accept()
    bool inbound_peer = false;  // a rule that can match accepted connections looks at the peer
    bool inbound_port = false;  // ... or at the local port
};

RuleNeeds rule_needs(const RuleSet& rules);

void describe_rule(const Rule& rule, MessageText& line);

}  // namespace kashim
