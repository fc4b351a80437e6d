// The one decision every engine asks: which plan, which of the program's choices stand, and
// whether a program's own setsockopt reaches the kernel, under each policy. The decision table
// compiled as C, the language the BPF programs include it in, must answer as the core's C++ does.
#include "core/socket_configurator.h"

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

#include <gtest/gtest.h>

#include <climits>
#include <cstring>
#include <vector>

#include "decision_table_as_c.h"

using namespace kashim;

namespace {

// Operator: idle 10, intvl 5, cnt 3, user timeout 25 s; so every option is pinned.
struct Fixture {
    Config config;
    PlanSet plans;
    explicit Fixture(Policy policy, const char* rules = nullptr) {
        config.policy = policy;
        config.keepalive.idle_s = 10;
        config.keepalive.intvl_s = 5;
        config.keepalive.cnt = 3;
        config.keepalive.user_timeout = {UserTimeoutSetting::Kind::Millis, 25000};
        if (rules != nullptr) {
            LoadReport report;
            parse_rules(rules, "KA_RULES", config.rules, report);
            EXPECT_EQ(report.count(), 0u);
        }
        plans = build_plans(config, KernelKeepalive{});
    }
    ProgramCall call(int level, int name, int value, unsigned length = sizeof(int)) const {
        return judge_program_setsockopt(config.policy, plans.global, plans.global.pinned, level, name, &value, length);
    }
};

constexpr ProgramCall kKernel = ProgramCall::ToKernel, kKashim = ProgramCall::AnsweredByKashim;
constexpr Policy kPolicies[] = {Policy::Cap, Policy::Override, Policy::Respect};

TEST(ProgramSetsockopt, CapLetsTighterValuesThroughAndKeepsLooserOnes) {
    Fixture f(Policy::Cap);
    EXPECT_EQ(f.call(IPPROTO_TCP, TCP_KEEPIDLE, 5), kKernel);
    EXPECT_EQ(f.call(IPPROTO_TCP, TCP_KEEPIDLE, 10), kKernel);  // equal is as tight
    EXPECT_EQ(f.call(IPPROTO_TCP, TCP_KEEPIDLE, 11), kKashim);
    EXPECT_EQ(f.call(IPPROTO_TCP, TCP_KEEPIDLE, 60), kKashim);  // curl's 60 s
    EXPECT_EQ(f.call(IPPROTO_TCP, TCP_KEEPINTVL, 1), kKernel);
    EXPECT_EQ(f.call(IPPROTO_TCP, TCP_KEEPINTVL, 6), kKashim);
    EXPECT_EQ(f.call(IPPROTO_TCP, TCP_KEEPCNT, 2), kKernel);
    EXPECT_EQ(f.call(IPPROTO_TCP, TCP_KEEPCNT, 9), kKashim);
    EXPECT_EQ(f.call(SOL_SOCKET, SO_KEEPALIVE, 1), kKernel);
    EXPECT_EQ(f.call(SOL_SOCKET, SO_KEEPALIVE, 0), kKashim);  // turning it off is looser
    EXPECT_EQ(f.call(IPPROTO_TCP, TCP_USER_TIMEOUT, 4000), kKernel);
    EXPECT_EQ(f.call(IPPROTO_TCP, TCP_USER_TIMEOUT, 30000), kKashim);
    EXPECT_EQ(f.call(IPPROTO_TCP, TCP_USER_TIMEOUT, 0), kKashim);  // no user timeout at all
}

TEST(ProgramSetsockopt, CapGivesInvalidValuesTheKernelsOwnError) {
    Fixture f(Policy::Cap);
    EXPECT_EQ(f.call(IPPROTO_TCP, TCP_KEEPIDLE, 0), kKernel);  // Node's setKeepAlive(true, 0): EINVAL
    EXPECT_EQ(f.call(IPPROTO_TCP, TCP_KEEPIDLE, -1), kKernel);
    EXPECT_EQ(f.call(IPPROTO_TCP, TCP_KEEPIDLE, 32768), kKernel);
    EXPECT_EQ(f.call(IPPROTO_TCP, TCP_KEEPCNT, 128), kKernel);
    EXPECT_EQ(f.call(IPPROTO_TCP, TCP_USER_TIMEOUT, -5), kKernel);
    EXPECT_EQ(f.call(IPPROTO_TCP, TCP_KEEPIDLE, 60, 2), kKernel);  // too short a value
    EXPECT_EQ(judge_program_setsockopt(Policy::Cap, f.plans.global, 0x1f, IPPROTO_TCP, TCP_KEEPIDLE, nullptr, 4),
              kKernel);
}

TEST(ProgramSetsockopt, CapLeavesWhatTheOperatorDidNotSetAlone) {
    Config config;  // idle only
    config.keepalive.idle_s = 10;
    PlanSet plans = build_plans(config, KernelKeepalive{});
    int sixty = 60;
    EXPECT_EQ(judge_program_setsockopt(Policy::Cap, plans.global, plans.global.pinned, IPPROTO_TCP, TCP_KEEPINTVL,
                                       &sixty, sizeof sixty),
              kKernel);
    EXPECT_EQ(judge_program_setsockopt(Policy::Cap, plans.global, plans.global.pinned, IPPROTO_TCP, TCP_USER_TIMEOUT,
                                       &sixty, sizeof sixty),
              kKernel);
    // An option the kernel refused is not pinned: the program's call gets the kernel's answer.
    EXPECT_EQ(judge_program_setsockopt(Policy::Cap, plans.global, kOptKeepalive, IPPROTO_TCP, TCP_KEEPIDLE, &sixty,
                                       sizeof sixty),
              kKernel);
}

TEST(ProgramSetsockopt, OverrideKeepsEveryPinnedValueAndRespectNone) {
    Fixture override_(Policy::Override), respect(Policy::Respect);
    for (int value : {1, 5, 60}) {
        EXPECT_EQ(override_.call(IPPROTO_TCP, TCP_KEEPIDLE, value), kKashim) << value;
        EXPECT_EQ(respect.call(IPPROTO_TCP, TCP_KEEPIDLE, value), kKernel) << value;
    }
    EXPECT_EQ(override_.call(IPPROTO_TCP, TCP_KEEPIDLE, 0), kKashim);  // Node's call succeeds
    EXPECT_EQ(override_.call(IPPROTO_TCP, TCP_KEEPIDLE, 60, 2), kKernel);
    EXPECT_EQ(override_.call(IPPROTO_TCP, TCP_NODELAY, 1), kKernel);
    EXPECT_EQ(override_.call(SOL_SOCKET, SO_REUSEADDR, 1), kKernel);
}

ProgramChoices chose(std::vector<std::pair<uint8_t, int>> values) {
    ProgramChoices choices;
    for (auto [bit, value] : values) {
        choices.set |= bit;
        choices.values[option_index(bit)] = value;
    }
    return choices;
}

const Connection kOut = {Direction::Out, nullptr, 0, 443};

TEST(Configuration, CapKeepsTheProgramsTighterChoicesMadeBeforeConnect) {
    Fixture f(Policy::Cap);
    ProgramChoices program = chose({{kOptIdle, 4}, {kOptIntvl, 60}, {kOptKeepalive, 0}, {kOptUserTimeout, 0}});
    SocketConfiguration c = choose_configuration(f.config, f.plans, kOut, program);
    EXPECT_EQ(c.rule, -1);
    EXPECT_EQ(c.skip, kOptIdle);  // 4 s stands; 60 s, keepalive off and no user timeout do not
    EXPECT_EQ(pinned_options(c, 0), 0x1f);  // later calls are still judged against the operator's values
}

TEST(Configuration, RespectSparesWhateverTheProgramSetAndOverrideNothing) {
    ProgramChoices program = chose({{kOptIdle, 60}, {kOptCnt, 9}});
    EXPECT_EQ(choose_configuration(Fixture(Policy::Respect).config, Fixture(Policy::Respect).plans, kOut, program).skip,
              kOptIdle | kOptCnt);
    Fixture f(Policy::Override);
    EXPECT_EQ(choose_configuration(f.config, f.plans, kOut, program).skip, 0);
}

TEST(Configuration, TheFirstMatchingRuleGivesThePlan) {
    Fixture f(Policy::Cap, "port=80 idle=30; port=443 off");
    Connection to_80 = {Direction::Out, nullptr, 0, 80};
    SocketConfiguration c = choose_configuration(f.config, f.plans, to_80, {});
    EXPECT_EQ(c.rule, 0);
    EXPECT_EQ(c.plan, &f.plans.rules[0]);
    EXPECT_EQ(c.plan->options[1].value, 30);
    EXPECT_EQ(choose_configuration(f.config, f.plans, kOut, {}).plan->count, 0);  // rule 2: off
    EXPECT_EQ(&plan_for_rule(f.plans, -1), &f.plans.global);
}

TEST(Configuration, RefusedOptionsAreReportedAndNotPinned) {
    Fixture f(Policy::Cap);
    SocketConfiguration c = choose_configuration(f.config, f.plans, kOut, chose({{kOptIdle, 4}}));
    std::vector<uint8_t> set, reported;
    uint8_t refused = apply_configuration(
        c,
        [&](const SocketOption& option) {
            set.push_back(option.bit);
            return option.bit == kOptCnt ? EINVAL : 0;
        },
        [&](const SocketOption& option, int error) {
            EXPECT_EQ(error, EINVAL);
            reported.push_back(option.bit);
        });
    EXPECT_EQ(set, (std::vector<uint8_t>{kOptKeepalive, kOptIntvl, kOptCnt, kOptUserTimeout}));  // idle: the program's
    EXPECT_EQ(refused, kOptCnt);
    EXPECT_EQ(reported, std::vector<uint8_t>{kOptCnt});
    EXPECT_EQ(pinned_options(c, refused), 0x1f & ~kOptCnt);
}

TEST(ProgramChoicesRead, OnlyCapReadsValuesAndAnUnreadableOneCountsAsUnset) {
    int reads = 0;
    auto reader = [&](int level, int name, int& value) {
        ++reads;
        value = 7;
        return !(level == IPPROTO_TCP && name == TCP_KEEPCNT);
    };
    EXPECT_EQ(program_choices(Policy::Override, kOptIdle, reader).set, 0);
    EXPECT_EQ(program_choices(Policy::Respect, kOptIdle | kOptCnt, reader).set, kOptIdle | kOptCnt);
    EXPECT_EQ(reads, 0);
    ProgramChoices cap = program_choices(Policy::Cap, kOptIdle | kOptCnt, reader);
    EXPECT_EQ(reads, 2);
    EXPECT_EQ(cap.set, kOptIdle);
    EXPECT_EQ(cap.values[option_index(kOptIdle)], 7);
}

TEST(Messages, RefusalAndKeptLinesAreTheSameFromEveryEngine) {
    MessageText refusal;
    describe_refusal(refusal, {IPPROTO_TCP, TCP_KEEPIDLE, 10, kOptIdle}, "Invalid argument");
    EXPECT_EQ(refusal.view(),
              "kashim: setsockopt TCP_KEEPIDLE=10 failed: Invalid argument; such sockets keep the kernel's value "
              "(reported once)");
    MessageText kept;
    describe_kept(kept, IPPROTO_TCP, TCP_KEEPIDLE, 60);
    EXPECT_EQ(kept.view(), "kept the operator's TCP_KEEPIDLE, the program asked for 60");
}

struct Call {
    int level, name;
    int operator_value;  // the Fixture operator's value for it, 0: not an option of the operator's
};

constexpr Call kCalls[] = {
    {SOL_SOCKET, SO_KEEPALIVE, 1}, {IPPROTO_TCP, TCP_KEEPIDLE, 10},          {IPPROTO_TCP, TCP_KEEPINTVL, 5},
    {IPPROTO_TCP, TCP_KEEPCNT, 3}, {IPPROTO_TCP, TCP_USER_TIMEOUT, 25000}, {IPPROTO_TCP, TCP_NODELAY, 0},
    {SOL_SOCKET, SO_REUSEADDR, 0},
};

// Around each operator value and each of the kernel's limits.
constexpr int kAsked[] = {INT_MIN, -1, 0, 1, 2, 3, 4, 5, 6, 9, 10, 11, 126, 127, 128, 24999, 25000, 25001, 32767,
                          32768, INT_MAX};

constexpr uint8_t kPinned[] = {0x1f, 0, 0x1f & ~kOptIdle, kOptKeepalive};

int judged_as_c(Policy policy, const Call& call, uint8_t pinned, const void* value) {
    return decision_table_as_c_judge(static_cast<int>(policy), call.level, call.name, pinned, value,
                                     call.operator_value);
}

TEST(DecisionTable, CAndTheCoreJudgeEveryProgramSetsockoptAlike) {
    int answered_by_kashim[3] = {};
    for (Policy policy : kPolicies) {
        Fixture f(policy);
        for (const Call& call : kCalls) {
            for (uint8_t pinned : kPinned) {
                for (int asked : kAsked) {
                    // Off by one byte, as a program's buffer may be.
                    alignas(int) unsigned char buffer[sizeof(int) + 1];
                    std::memcpy(buffer + 1, &asked, sizeof asked);
                    for (unsigned length : {4u, 2u}) {
                        ProgramCall core = judge_program_setsockopt(policy, f.plans.global, pinned, call.level,
                                                                    call.name, buffer + 1, length);
                        int c = judged_as_c(policy, call, pinned, length >= sizeof(int) ? buffer + 1 : nullptr);
                        EXPECT_EQ(static_cast<int>(core), c)
                            << "policy " << policy_name(policy) << ", option " << call.level << '/' << call.name
                            << ", pinned " << int(pinned) << ", asked " << asked << ", length " << length;
                        answered_by_kashim[static_cast<int>(policy)] += c == KASHIM_CALL_ANSWERED_BY_KASHIM;
                    }
                }
            }
            EXPECT_EQ(static_cast<int>(judge_program_setsockopt(policy, f.plans.global, 0x1f, call.level, call.name,
                                                                nullptr, sizeof(int))),
                      judged_as_c(policy, call, 0x1f, nullptr));
        }
    }
    // Cases that tell the policies apart: the agreement above is not that of two constant answers.
    EXPECT_EQ(answered_by_kashim[static_cast<int>(Policy::Respect)], 0);
    EXPECT_GT(answered_by_kashim[static_cast<int>(Policy::Cap)], 0);
    EXPECT_GT(answered_by_kashim[static_cast<int>(Policy::Override)],
              answered_by_kashim[static_cast<int>(Policy::Cap)]);
    int idle = 11;
    const Call& idle_call = kCalls[1];
    EXPECT_EQ(judged_as_c(Policy::Cap, idle_call, 0x1f, &idle), KASHIM_CALL_ANSWERED_BY_KASHIM);
    idle = 10;  // as tight as the operator's
    EXPECT_EQ(judged_as_c(Policy::Cap, idle_call, 0x1f, &idle), KASHIM_CALL_TO_KERNEL);
    idle = 32768;  // the kernel's EINVAL
    EXPECT_EQ(judged_as_c(Policy::Cap, idle_call, 0x1f, &idle), KASHIM_CALL_TO_KERNEL);
    EXPECT_EQ(judged_as_c(Policy::Override, idle_call, 0x1f, &idle), KASHIM_CALL_ANSWERED_BY_KASHIM);
    EXPECT_EQ(judged_as_c(Policy::Override, idle_call, 0x1f & ~kOptIdle, &idle), KASHIM_CALL_TO_KERNEL);
    int no_user_timeout = 0;
    EXPECT_EQ(judged_as_c(Policy::Cap, kCalls[4], 0x1f, &no_user_timeout), KASHIM_CALL_ANSWERED_BY_KASHIM);
}

// The operator sets idle alone.
Fixture idle_only(Policy policy) {
    Fixture f(policy);
    f.config.keepalive = KeepaliveSettings{};
    f.config.keepalive.idle_s = 10;
    f.plans = build_plans(f.config, KernelKeepalive{});
    return f;
}

struct PlanCase {
    Fixture fixture;
    Connection connection;
    uint8_t set;  // the plan it chooses, by option index
    int values[KASHIM_OPTION_COUNT];
};

TEST(DecisionTable, CAndTheCoreLetTheSameEarlierChoicesOfAProgramStand) {
    // What a program may have set before connect: tighter than the operator, the same, looser, and a mix.
    const int profiles[][KASHIM_OPTION_COUNT] = {
        {1, 4, 2, 2, 4000}, {1, 10, 5, 3, 25000}, {0, 60, 60, 9, 0}, {1, 11, 4, 3, 30000}};
    uint8_t stood_under_cap = 0;
    for (Policy policy : kPolicies) {
        const PlanCase cases[] = {
            {Fixture(policy), {Direction::Out, nullptr, 0, 80}, 0x1f, {1, 10, 5, 3, 25000}},
            {idle_only(policy), {Direction::Out, nullptr, 0, 80}, kOptKeepalive | kOptIdle, {1, 10}},
            {Fixture(policy, "port=443 off"), {Direction::Out, nullptr, 0, 443}, 0, {}},
        };
        for (const PlanCase& plan : cases) {
            for (const auto& profile : profiles) {
                for (uint8_t set = 0; set < 1u << KASHIM_OPTION_COUNT; ++set) {
                    ProgramChoices program;
                    program.set = set;
                    std::memcpy(program.values, profile, sizeof program.values);
                    uint8_t core =
                        choose_configuration(plan.fixture.config, plan.fixture.plans, plan.connection, program).skip;
                    unsigned c = decision_table_as_c_choices_that_stand(static_cast<int>(policy), set, profile,
                                                                        plan.set, plan.values);
                    EXPECT_EQ(core, c) << "policy " << policy_name(policy) << ", plan " << int(plan.set)
                                       << ", program set " << int(set) << ", values " << profile[1] << "...";
                    if (policy == Policy::Cap) stood_under_cap |= static_cast<uint8_t>(c);
                    else EXPECT_EQ(c, policy == Policy::Respect ? set : 0u);  // every choice, or none
                }
            }
        }
    }
    EXPECT_EQ(stood_under_cap, 0x1f);  // a tighter value of each option stands under cap; the looser ones do not
    const int mixed[KASHIM_OPTION_COUNT] = {1, 11, 4, 3, 30000}, every[KASHIM_OPTION_COUNT] = {1, 10, 5, 3, 25000};
    EXPECT_EQ(decision_table_as_c_choices_that_stand(static_cast<int>(Policy::Cap), 0x1f, mixed, 0x1f, every),
              unsigned{kOptKeepalive | kOptIntvl | kOptCnt});
    EXPECT_EQ(decision_table_as_c_choices_that_stand(static_cast<int>(Policy::Cap), 0x1f, mixed, kOptKeepalive,
                                                     every),
              unsigned{kOptKeepalive});  // what the plan does not set is no cap's business
}

// Only the BPF programs ask this one (the shim and the supervisor see the kernel's own answer).
TEST(DecisionTable, AProgramsSetsockoptBeforeConfigurationIsAChoiceWhenTheKernelWouldTakeIt) {
    auto counts = [](Policy policy, int level, int name, int value) {
        return decision_table_as_c_choice_counts(static_cast<int>(policy), level, name, &value) != 0;
    };
    EXPECT_TRUE(counts(Policy::Cap, IPPROTO_TCP, TCP_KEEPIDLE, 60));
    EXPECT_TRUE(counts(Policy::Respect, IPPROTO_TCP, TCP_KEEPIDLE, 60));
    EXPECT_FALSE(counts(Policy::Override, IPPROTO_TCP, TCP_KEEPIDLE, 60));  // override weighs nothing the program set
    EXPECT_FALSE(counts(Policy::Cap, IPPROTO_TCP, TCP_KEEPIDLE, 0));        // the kernel's EINVAL
    EXPECT_FALSE(counts(Policy::Cap, IPPROTO_TCP, TCP_KEEPCNT, 128));
    EXPECT_TRUE(counts(Policy::Cap, IPPROTO_TCP, TCP_KEEPCNT, 127));
    EXPECT_TRUE(counts(Policy::Cap, SOL_SOCKET, SO_KEEPALIVE, 0));  // turning it off is a choice too
    EXPECT_TRUE(counts(Policy::Cap, IPPROTO_TCP, TCP_USER_TIMEOUT, 0));
    EXPECT_FALSE(counts(Policy::Cap, IPPROTO_TCP, TCP_USER_TIMEOUT, -1));
    EXPECT_EQ(decision_table_as_c_choice_counts(static_cast<int>(Policy::Cap), IPPROTO_TCP, TCP_KEEPIDLE, nullptr), 0);
}

}  // namespace
