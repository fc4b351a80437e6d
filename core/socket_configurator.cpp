#include "socket_configurator.h"

namespace kashim {

const SocketPlan& plan_for_rule(const PlanSet& plans, int rule) { return rule < 0 ? plans.global : plans.rules[rule]; }

SocketConfiguration choose_configuration(const Config& config, const PlanSet& plans, const Connection& connection,
                                         const ProgramChoices& program) {
    SocketConfiguration configuration;
    configuration.rule = match_rule(config.rules, connection);
    configuration.plan = &plan_for_rule(plans, configuration.rule);
    OptionValues plan = option_values(*configuration.plan);
    configuration.skip = static_cast<uint8_t>(
        kashim_choices_that_stand(table_policy(config.policy), program.set, program.values, plan.set, plan.values));
    return configuration;
}

ProgramCall judge_program_setsockopt(Policy policy, const SocketPlan& plan, uint8_t pinned, int level, int name,
                                     const void* value, unsigned length) {
    int index = kashim_option_index(level, name);
    OptionValues operator_values = option_values(plan);
    return static_cast<ProgramCall>(kashim_judge_program_setsockopt(
        table_policy(policy), index, pinned, length < sizeof(int) ? nullptr : value,
        index < 0 ? 0 : operator_values.values[index]));
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
