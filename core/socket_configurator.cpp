#include "socket_configurator.h"

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

namespace kashim {
namespace {

int operator_value(const SocketPlan& plan, uint8_t bit) {
    for (uint8_t i = 0; i < plan.count; ++i)
        if (plan.options[i].bit == bit) return plan.options[i].value;
    return 0;
}

// What the kernel itself accepts for each option (net/ipv4/tcp.c); anything else is its EINVAL.
bool within_kernel_limits(uint8_t bit, int value) {
    switch (bit) {
        case kOptIdle: return value >= 1 && value <= kMaxKeepIdleSeconds;
        case kOptIntvl: return value >= 1 && value <= kMaxKeepIntvlSeconds;
        case kOptCnt: return value >= 1 && value <= kMaxKeepCount;
        case kOptUserTimeout: return value >= 0;
        default: return true;
    }
}

// At least as tight as the operator's: keepalive on; a time or count no larger; a user timeout
// that is set (0 means none at all) and no longer.
bool at_least_as_tight(uint8_t bit, int program, int operator_value) {
    switch (bit) {
        case kOptKeepalive: return program != 0;
        case kOptUserTimeout: return program > 0 && program <= operator_value;
        default: return program <= operator_value;
    }
}

}  // namespace

int option_index(uint8_t bit) {
    switch (bit) {
        case kOptKeepalive: return 0;
        case kOptIdle: return 1;
        case kOptIntvl: return 2;
        case kOptCnt: return 3;
        default: return 4;
    }
}

OptionAddress option_address(uint8_t bit) {
    switch (bit) {
        case kOptKeepalive: return {SOL_SOCKET, SO_KEEPALIVE};
        case kOptIdle: return {IPPROTO_TCP, TCP_KEEPIDLE};
        case kOptIntvl: return {IPPROTO_TCP, TCP_KEEPINTVL};
        case kOptCnt: return {IPPROTO_TCP, TCP_KEEPCNT};
        default: return {IPPROTO_TCP, TCP_USER_TIMEOUT};
    }
}

const SocketPlan& plan_for_rule(const PlanSet& plans, int rule) { return rule < 0 ? plans.global : plans.rules[rule]; }

SocketConfiguration choose_configuration(const Config& config, const PlanSet& plans, const Connection& connection,
                                         const ProgramChoices& program) {
    SocketConfiguration configuration;
    configuration.rule = match_rule(config.rules, connection);
    configuration.plan = &plan_for_rule(plans, configuration.rule);
    switch (config.policy) {
        case Policy::Override:
            break;
        case Policy::Respect:
            configuration.skip = program.set;
            break;
        case Policy::Cap:
            for (uint8_t i = 0; i < configuration.plan->count; ++i) {
                uint8_t bit = configuration.plan->options[i].bit;
                if ((program.set & bit) != 0 &&
                    at_least_as_tight(bit, program.values[option_index(bit)], configuration.plan->options[i].value))
                    configuration.skip |= bit;
            }
            break;
    }
    return configuration;
}

ProgramCall judge_program_setsockopt(Policy policy, const SocketPlan& plan, uint8_t pinned, int level, int name,
                                     const void* value, unsigned length) {
    uint8_t bit = keepalive_option_bit(level, name);
    if ((bit & pinned) == 0 || value == nullptr || length < sizeof(int)) return ProgramCall::ToKernel;
    switch (policy) {
        case Policy::Override:
            return ProgramCall::AnsweredByKashim;
        case Policy::Respect:
            return ProgramCall::ToKernel;
        case Policy::Cap: {
            int asked;
            __builtin_memcpy(&asked, value, sizeof asked);  // the program's buffer need not be aligned
            if (!within_kernel_limits(bit, asked) || at_least_as_tight(bit, asked, operator_value(plan, bit)))
                return ProgramCall::ToKernel;
            return ProgramCall::AnsweredByKashim;
        }
    }
    return ProgramCall::ToKernel;
}

void describe_refusal(MessageText& line, const SocketOption& option, const char* error_text) {
    line.add("kashim: setsockopt ").add(option_bit_name(option.bit)).add('=').add_signed(option.value);
    line.add(" failed: ").add(error_text).add("; such sockets keep the kernel's value (reported once)");
}

void describe_kept(MessageText& line, int level, int name, int asked) {
    line.add("kept the operator's ").add(option_bit_name(keepalive_option_bit(level, name)));
    line.add(", the program asked for ").add_signed(asked);
}

}  // namespace kashim
