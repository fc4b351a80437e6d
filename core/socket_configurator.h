// What kashim does with one TCP socket, the same under every engine: which plan applies, which
// of the program's own choices stand under the policy, what is pinned afterwards, and whether a
// program's later setsockopt of a keepalive option reaches the kernel. The preload shim, the
// seccomp supervisor and `kashim apply` (existing/) gather the facts, ask here, and make the
// system calls themselves. The decisions are the table's (keepalive_options.h): cgroup mode's BPF
// programs cannot call into user space, so they include the same table and decide in the kernel
// from the plans and rules the core prepares for them (cgroup/bpf_settings_from_core.cpp).
#pragma once

#include <cstdint>

#include "config.h"
#include "rules.h"
#include "socket_plan.h"

namespace kashim {

// The keepalive options a program set on a socket before kashim configured it, and, under the cap
// policy (the only one that compares), the values the kernel holds for them now.
using ProgramChoices = OptionValues;

// What the policy needs to know of the options a program set (`set`) before its socket was
// configured: nothing under override, which ones under respect, and their values under cap,
// read through the engine's `read_value(level, name, int& value)` (false when unreadable: then the
// operator's value applies).
template <typename ReadValue>
ProgramChoices program_choices(Policy policy, uint8_t set, ReadValue&& read_value) {
    ProgramChoices choices;
    if (!kashim_policy_weighs_program_choices(table_policy(policy))) return choices;
    choices.set = set;
    if (policy != Policy::Cap) return choices;
    for (int index = 0; index < KASHIM_OPTION_COUNT; ++index) {
        uint8_t bit = static_cast<uint8_t>(KASHIM_OPTION_BIT(index));
        if ((set & bit) != 0 &&
            !read_value(kashim_option_level(index), kashim_option_name(index), choices.values[index]))
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

// Configures one socket for `connection` the same way in every engine: the program's own choices
// (the options in `program_set`, which it set before) weighed under the policy, the plan chosen
// and applied, what the policy defends from then on recorded, and the line that tells of it
// ("<start>connect to 192.0.2.1:80 (rule 2): set ..."; `event` names the moment). `engine`
// reaches the socket and keeps what it knows of it:
//   bool read_option(int level, int name, int& value)            getsockopt; false when it fails
//   int write_option(const SocketOption&)                        setsockopt; 0 or the errno it gave
//   void refused(const SocketOption&, int error)                 reports a refusal its own way
//   void configured(const SocketConfiguration&, uint8_t pinned)  records the outcome
//   bool wants_line()                                            whether the line is wanted
//   void start_line(MessageText&), void finish_line(MessageText&)  writes its start, sends it
template <typename Engine>
void configure_socket(const Config& config, const PlanSet& plans, const Connection& connection, uint8_t program_set,
                      const char* event, Engine& engine) {
    ProgramChoices program = program_choices(config.policy, program_set, [&engine](int level, int name, int& value) {
        return engine.read_option(level, name, value);
    });
    SocketConfiguration configuration = choose_configuration(config, plans, connection, program);
    uint8_t refused = apply_configuration(
        configuration, [&engine](const SocketOption& option) { return engine.write_option(option); },
        [&engine](const SocketOption& option, int error) { engine.refused(option, error); });
    engine.configured(configuration, pinned_options(configuration, refused));
    if (!engine.wants_line()) return;
    MessageText line;
    engine.start_line(line);
    describe_configured(line, event, connection.peer, connection.peer_length, configuration.rule, *configuration.plan,
                        configuration.skip);
    engine.finish_line(line);
}

// What becomes of a program's own setsockopt of a keepalive option.
enum class ProgramCall : uint8_t {
    ToKernel = KASHIM_CALL_TO_KERNEL,  // the call runs as without kashim
    // The call returns 0 without reaching the kernel: the operator's value stands.
    AnsweredByKashim = KASHIM_CALL_ANSWERED_BY_KASHIM,
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
