#include "bpf_settings_from_core.h"

#include <arpa/inet.h>
#include <sys/socket.h>

#include <cstring>

namespace kashim {
namespace {

static_assert(RuleSet::kCapacity <= KASHIM_BPF_MAX_RULES, "every rule must fit the map value");
static_assert(RuleSet::kCapacity <= 127, "a socket's rule is a signed byte in the programs' socket storage");
static_assert(sizeof(kashim_bpf_plan::value) == sizeof(OptionValues::values), "a plan's values, by the same index");

kashim_bpf_plan bpf_plan(const SocketPlan& plan) {
    OptionValues values = option_values(plan);
    kashim_bpf_plan result{};
    result.set = values.set;
    std::memcpy(result.value, values.values, sizeof result.value);
    return result;
}

uint8_t bpf_direction(Direction direction) {
    switch (direction) {
        case Direction::In: return KASHIM_BPF_IN;
        case Direction::Out: return KASHIM_BPF_OUT;
        default: return KASHIM_BPF_ANY;
    }
}

// The address and the prefix's mask as four network-order words.
void fill_network(const Network& network, kashim_bpf_rule& rule) {
    rule.has_network = 1;
    rule.family = network.family == AF_INET ? 4 : 6;
    unsigned bytes = network.family == AF_INET ? 4 : 16;
    uint8_t address[16] = {}, mask[16] = {};
    unsigned prefix = network.prefix;
    for (unsigned i = 0; i < bytes; ++i) {
        unsigned bits = prefix >= 8 ? 8 : prefix;
        mask[i] = static_cast<uint8_t>(bits == 0 ? 0 : 0xff << (8 - bits));
        address[i] = static_cast<uint8_t>(network.bytes[i] & mask[i]);
        prefix -= bits;
    }
    std::memcpy(rule.address, address, sizeof address);
    std::memcpy(rule.mask, mask, sizeof mask);
}

}  // namespace

std::string bpf_settings_from_core(const Config& config, const PlanSet& plans, const std::string& group,
                                   kashim_bpf_settings& out) {
    out = kashim_bpf_settings{};
    out.policy = table_policy(config.policy);
    out.global = bpf_plan(plans.global);
    out.rule_count = static_cast<uint32_t>(config.rules.count);
    out.listener_by_port = !rule_needs(config.rules).inbound_peer;
    for (size_t i = 0; i < config.rules.count; ++i) {
        const Rule& rule = config.rules.rules[i];
        if (rule.program.size() != 0) {
            return "rule " + std::to_string(i + 1) + ": prog= cannot be matched in cgroup mode (the group already " +
                   "names its programs); drop it, or wrap that program with kashim instead";
        }
        kashim_bpf_rule& bpf = out.rules[i];
        bpf.direction = bpf_direction(rule.direction);
        if (rule.has_port) {
            bpf.has_port = 1;
            bpf.port_low = rule.port_low;
            bpf.port_high = rule.port_high;
        }
        if (rule.has_network) fill_network(rule.network, bpf);
        out.rule_plans[i] = bpf_plan(plans.rules[i]);
    }
    std::strncpy(out.group, group.c_str(), sizeof out.group - 1);
    return {};
}

}  // namespace kashim
