// What kashim does with one TCP socket, the same under every engine: which plan applies, which
// of the program's own choices stand under the policy, what is pinned afterwards, and whether a
// program's later setsockopt of a keepalive option reaches the kernel. The preload shim and the
// seccomp supervisor gather the facts, ask here, and make the system calls themselves; cgroup
// mode's BPF programs cannot call into user space, so they make the same decisions in the kernel
// from the plans and rules the core prepares for them (cgroup/bpf_settings_from_core.cpp).
#pragma once

#include <cstdint>

#include "config.h"
#include "rules.h"
#include "socket_plan.h"

namespace kashim {

// The keepalive options a program set on a socket before kashim configured it, and, under the cap
// policy (the only one that compares), the values the kernel holds for them now.
struct ProgramChoices {
    uint8_t set = 0;       // OptionBits
    int values[5] = {};    // by option_index(bit); meaningful only for the bits in `set`
};

// 0 for SO_KEEPALIVE up to 4 for TCP_USER_TIMEOUT: where an option's value sits in ProgramChoices.
int option_index(uint8_t bit);

// The (level, name) of the option `bit` stands for.
struct OptionAddress {
    int level;
    int name;
};
OptionAddress option_address(uint8_t bit);

// What the policy needs to know of the options a program set (`set`) before its socket was
// configured: nothing under override, which ones under respect, and their values under cap,
// read through the engine's `read_value(level, name, int& value)` (false when unreadable: then the
// operator's value applies).
template <typename ReadValue>
ProgramChoices program_choices(Policy policy, uint8_t set, ReadValue&& read_value) {
    ProgramChoices choices;
    if (policy == Policy::Override) return choices;
    choices.set = set;
    if (policy != Policy::Cap) return choices;
    for (uint8_t bit = kOptKeepalive; bit <= kOptUserTimeout; bit = static_cast<uint8_t>(bit << 1)) {
        if ((set & bit) == 0) continue;
        OptionAddress address = option_address(bit);
        if (!read_value(address.level, address.name, choices.values[option_index(bit)]))
            choices.set = static_cast<uint8_t>(choices.set & ~bit);
    }
    return choices;
}

struct SocketConfiguration {
    int rule = -1;  // the rule that matched, -1 for the global settings
    const SocketPlan* plan = nullptr;
    uint8_t skip = 0;  // options left as the program set them
};

SocketConfiguration choose_configuration(const Config& config, const PlanSet& plans, const Connection& connection,
                                         const ProgramChoices& program);

// The plan a socket configured with `rule` (-1: the global settings) carries.
const SocketPlan& plan_for_rule(const PlanSet& plans, int rule);

// Applies what `configuration` says through the engine's `set_option(const SocketOption&)`, which
// returns 0 or the errno the kernel gave, and tells `refused(const SocketOption&, int error)` of
// each refusal. Returns the options the kernel refused.
template <typename SetOption, typename Refused>
uint8_t apply_configuration(const SocketConfiguration& configuration, SetOption&& set_option, Refused&& refused) {
    uint8_t refused_bits = 0;
    const SocketPlan& plan = *configuration.plan;
    for (uint8_t i = 0; i < plan.count; ++i) {
        const SocketOption& option = plan.options[i];
        if ((option.bit & configuration.skip) != 0) continue;
        if (int error = set_option(option)) {
            refused_bits |= option.bit;
            refused(option, error);
        }
    }
    return refused_bits;
}

// The options whose operator value the policy then defends against the program's own calls:
// what the kernel refused is not the operator's value, so the program's call for it must get the
// kernel's answer.
inline uint8_t pinned_options(const SocketConfiguration& configuration, uint8_t refused) {
    return static_cast<uint8_t>(configuration.plan->pinned & ~refused);
}

enum class ProgramCall : uint8_t {
    ToKernel,         // the call runs as without kashim
    AnsweredByKashim  // the call returns 0 without reaching the kernel: the operator's value stands
};

// A program's own setsockopt on a socket kashim configured with `plan`, `pinned` as above. A
// malformed call (no value, too short) and, under cap, a value outside the kernel's limits reach
// the kernel, so the program gets the kernel's own error for it.
ProgramCall judge_program_setsockopt(Policy policy, const SocketPlan& plan, uint8_t pinned, int level, int name,
                                     const void* value, unsigned length);

// "kashim: setsockopt TCP_KEEPIDLE=10 failed: <error>; such sockets keep the kernel's value
// (reported once)", the same from every engine.
void describe_refusal(MessageText& line, const SocketOption& option, const char* error_text);

// "kept the operator's TCP_KEEPIDLE, the program asked for 60", for the debug line.
void describe_kept(MessageText& line, int level, int name, int asked);

}  // namespace kashim
