/* The keepalive options kashim sets and the decisions about them under each policy, written once
 * in C: the core's C++ includes it, and so do the cgroup engine's BPF programs (clang -target bpf),
 * which cannot link the core. What one engine decides, every engine decides. The decisions are
 * pure functions of their arguments; the facts (a socket's state, the program's value) are the
 * caller's to gather. */
#ifndef KASHIM_KEEPALIVE_OPTIONS_H
#define KASHIM_KEEPALIVE_OPTIONS_H

/* A BPF compile has no libc headers, so the socket constants the table needs are written out;
 * the C++ build holds them to libc's below. */
#define KASHIM_SOL_SOCKET 1
#define KASHIM_SO_KEEPALIVE 9
#define KASHIM_IPPROTO_TCP 6
#define KASHIM_TCP_KEEPIDLE 4
#define KASHIM_TCP_KEEPINTVL 5
#define KASHIM_TCP_KEEPCNT 6
#define KASHIM_TCP_USER_TIMEOUT 18

/* The kernel's limits (include/net/tcp.h: MAX_TCP_KEEPIDLE, MAX_TCP_KEEPINTVL, MAX_TCP_KEEPCNT):
 * setsockopt answers anything beyond them with EINVAL. */
#define KASHIM_MAX_KEEPIDLE 32767
#define KASHIM_MAX_KEEPINTVL 32767
#define KASHIM_MAX_KEEPCNT 127
#define KASHIM_INT_MAX __INT_MAX__
#define KASHIM_INT_MIN (-__INT_MAX__ - 1)

/* How many rules one configuration holds: the core's rule set and the BPF programs' map value. */
#define KASHIM_MAX_RULES 32

/* One row an option, in the order of their indices; option i is bit 1 << i of a set of options.
 * Columns: index, level and name for setsockopt, the printable name, the lowest and the highest
 * value the kernel accepts (SO_KEEPALIVE takes any int as on or off). */
#define KASHIM_OPTION_TABLE(ROW)                                                                     \
    ROW(KASHIM_OPTION_KEEPALIVE, KASHIM_SOL_SOCKET, KASHIM_SO_KEEPALIVE, "SO_KEEPALIVE",             \
        KASHIM_INT_MIN, KASHIM_INT_MAX)                                                              \
    ROW(KASHIM_OPTION_IDLE, KASHIM_IPPROTO_TCP, KASHIM_TCP_KEEPIDLE, "TCP_KEEPIDLE",                 \
        1, KASHIM_MAX_KEEPIDLE)                                                                      \
    ROW(KASHIM_OPTION_INTVL, KASHIM_IPPROTO_TCP, KASHIM_TCP_KEEPINTVL, "TCP_KEEPINTVL",              \
        1, KASHIM_MAX_KEEPINTVL)                                                                     \
    ROW(KASHIM_OPTION_CNT, KASHIM_IPPROTO_TCP, KASHIM_TCP_KEEPCNT, "TCP_KEEPCNT",                    \
        1, KASHIM_MAX_KEEPCNT)                                                                       \
    ROW(KASHIM_OPTION_USER_TIMEOUT, KASHIM_IPPROTO_TCP, KASHIM_TCP_USER_TIMEOUT, "TCP_USER_TIMEOUT", \
        0, KASHIM_INT_MAX)

#define KASHIM_OPTION_ROW_INDEX(index, level, name, printable, lowest, highest) index,
enum kashim_option { KASHIM_OPTION_TABLE(KASHIM_OPTION_ROW_INDEX) KASHIM_OPTION_COUNT };
#undef KASHIM_OPTION_ROW_INDEX

#define KASHIM_OPTION_BIT(index) (1u << (index))

/* Which of a program's own keepalive choices stand against the operator's (core/config.h says
 * how each one reads to the operator). The values are those of the settings map, too. */
enum kashim_policy { KASHIM_POLICY_CAP = 0, KASHIM_POLICY_OVERRIDE = 1, KASHIM_POLICY_RESPECT = 2 };

/* What becomes of a program's own setsockopt of a keepalive option. */
enum kashim_program_call {
    KASHIM_CALL_TO_KERNEL = 0,         /* the call runs as without kashim */
    KASHIM_CALL_ANSWERED_BY_KASHIM = 1 /* it returns 0 without reaching the kernel: the operator's value stands */
};

/* Inlined wherever they are used: a BPF program then carries no calls, and the verifier sees
 * every index as the constant it is. */
#define KASHIM_DECISION static inline __attribute__((always_inline))

/* The table's columns by index; an index past the table gets -1, "?" and no limits. */
#define KASHIM_OPTION_ROW_LEVEL(index, level, name, printable, lowest, highest) case index: return level;
KASHIM_DECISION int kashim_option_level(int index) {
    switch (index) { KASHIM_OPTION_TABLE(KASHIM_OPTION_ROW_LEVEL) }
    return -1;
}
#undef KASHIM_OPTION_ROW_LEVEL

#define KASHIM_OPTION_ROW_NAME(index, level, name, printable, lowest, highest) case index: return name;
KASHIM_DECISION int kashim_option_name(int index) {
    switch (index) { KASHIM_OPTION_TABLE(KASHIM_OPTION_ROW_NAME) }
    return -1;
}
#undef KASHIM_OPTION_ROW_NAME

#define KASHIM_OPTION_ROW_PRINTABLE(index, level, name, printable, lowest, highest) case index: return printable;
KASHIM_DECISION const char *kashim_option_printable_name(int index) {
    switch (index) { KASHIM_OPTION_TABLE(KASHIM_OPTION_ROW_PRINTABLE) }
    return "?";
}
#undef KASHIM_OPTION_ROW_PRINTABLE

#define KASHIM_OPTION_ROW_LOWEST(index, level, name, printable, lowest, highest) case index: return lowest;
KASHIM_DECISION int kashim_option_lowest(int index) {
    switch (index) { KASHIM_OPTION_TABLE(KASHIM_OPTION_ROW_LOWEST) }
    return KASHIM_INT_MIN;
}
#undef KASHIM_OPTION_ROW_LOWEST

#define KASHIM_OPTION_ROW_HIGHEST(index, level, name, printable, lowest, highest) case index: return highest;
KASHIM_DECISION int kashim_option_highest(int index) {
    switch (index) { KASHIM_OPTION_TABLE(KASHIM_OPTION_ROW_HIGHEST) }
    return KASHIM_INT_MAX;
}
#undef KASHIM_OPTION_ROW_HIGHEST

/* The index of the option a setsockopt (level, name) changes, -1 when it is not a keepalive one. */
#define KASHIM_OPTION_ROW_MATCH(index, level_, name_, printable, lowest, highest) \
    if (level == (level_) && name == (name_)) return index;
KASHIM_DECISION int kashim_option_index(int level, int name) {
    KASHIM_OPTION_TABLE(KASHIM_OPTION_ROW_MATCH)
    return -1;
}
#undef KASHIM_OPTION_ROW_MATCH

/* Whether the kernel accepts `value` for the option; what it refuses is its EINVAL. */
KASHIM_DECISION int kashim_within_kernel_limits(int index, int value) {
    return value >= kashim_option_lowest(index) && value <= kashim_option_highest(index);
}

/* At least as tight as the operator's: keepalive on; a time or count no larger; a user timeout
 * that is set (0 means none at all) and no longer. */
KASHIM_DECISION int kashim_at_least_as_tight(int index, int program, int operator_value) {
    if (index == KASHIM_OPTION_KEEPALIVE) return program != 0;
    if (index == KASHIM_OPTION_USER_TIMEOUT) return program > 0 && program <= operator_value;
    return program <= operator_value;
}

/* Whether what a program sets before its socket is configured matters at all: under override the
 * operator's values go on regardless. */
KASHIM_DECISION int kashim_policy_weighs_program_choices(enum kashim_policy policy) {
    return policy != KASHIM_POLICY_OVERRIDE;
}

/* Whether a program's own setsockopt of option `index`, before its socket is configured, is a
 * choice the policy weighs then. `value` is the program's buffer, null when there is none or it
 * is too short for an int; a value the kernel will refuse is no choice. */
KASHIM_DECISION int kashim_program_choice_counts(enum kashim_policy policy, int index, const void *value) {
    int chosen;
    if (!kashim_policy_weighs_program_choices(policy) || !value) return 0;
    __builtin_memcpy(&chosen, value, sizeof chosen); /* a program's buffer need not be aligned */
    return kashim_within_kernel_limits(index, chosen);
}

/* Whether the policy leaves option `index` as the program set it before its socket was configured,
 * where the operator does (`operator_sets`) or does not set it: never under override, always
 * under respect, and under cap where the operator sets it and the program's value is at least as
 * tight. */
KASHIM_DECISION int kashim_program_choice_stands(enum kashim_policy policy, int index, int program_value,
                                                 int operator_sets, int operator_value) {
    if (policy == KASHIM_POLICY_OVERRIDE) return 0;
    if (policy == KASHIM_POLICY_RESPECT) return 1;
    return operator_sets && kashim_at_least_as_tight(index, program_value, operator_value);
}

/* The options (bits) of the program's earlier choices, `program_set` with `program_value` by
 * index, that stand against a plan that sets `plan_set` to `plan_value` by index: those the
 * plan's setsockopt calls skip. */
KASHIM_DECISION unsigned kashim_choices_that_stand(enum kashim_policy policy, unsigned program_set,
                                                   const int program_value[KASHIM_OPTION_COUNT], unsigned plan_set,
                                                   const int plan_value[KASHIM_OPTION_COUNT]) {
    unsigned stand = 0;
    for (int index = 0; index < KASHIM_OPTION_COUNT; index++) {
        unsigned bit = KASHIM_OPTION_BIT(index);
        if ((program_set & bit) &&
            kashim_program_choice_stands(policy, index, program_value[index], (plan_set & bit) != 0, plan_value[index]))
            stand |= bit;
    }
    return stand;
}

/* A program's own setsockopt of option `index` (-1: not a keepalive option) on a socket kashim
 * configured, which defends the options in `pinned` with `operator_value` for this one. `value`
 * is the program's buffer, null when there is none or it is too short for an int: the kernel then
 * answers such a malformed call itself, and under cap so it does a value outside its limits. */
KASHIM_DECISION enum kashim_program_call kashim_judge_program_setsockopt(enum kashim_policy policy, int index,
                                                                         unsigned pinned, const void *value,
                                                                         int operator_value) {
    int asked;
    if (index < 0 || index >= KASHIM_OPTION_COUNT || !(pinned & KASHIM_OPTION_BIT(index)) || !value)
        return KASHIM_CALL_TO_KERNEL;
    if (policy == KASHIM_POLICY_OVERRIDE) return KASHIM_CALL_ANSWERED_BY_KASHIM;
    if (policy == KASHIM_POLICY_RESPECT) return KASHIM_CALL_TO_KERNEL;
    __builtin_memcpy(&asked, value, sizeof asked); /* a program's buffer need not be aligned */
    if (!kashim_within_kernel_limits(index, asked) || kashim_at_least_as_tight(index, asked, operator_value))
        return KASHIM_CALL_TO_KERNEL;
    return KASHIM_CALL_ANSWERED_BY_KASHIM;
}

#undef KASHIM_DECISION

#ifdef __cplusplus
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

static_assert(KASHIM_SOL_SOCKET == SOL_SOCKET && KASHIM_SO_KEEPALIVE == SO_KEEPALIVE,
              "the table's socket constants must be libc's");
static_assert(KASHIM_IPPROTO_TCP == IPPROTO_TCP && KASHIM_TCP_KEEPIDLE == TCP_KEEPIDLE &&
                  KASHIM_TCP_KEEPINTVL == TCP_KEEPINTVL && KASHIM_TCP_KEEPCNT == TCP_KEEPCNT &&
                  KASHIM_TCP_USER_TIMEOUT == TCP_USER_TIMEOUT,
              "the table's TCP constants must be libc's");
static_assert(KASHIM_OPTION_COUNT <= 8, "a set of options is one byte in the core and the engines");
#endif

#endif
