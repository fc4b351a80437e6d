/* What the kashim command hands the cgroup engine's BPF programs: the plans and rules the core
 * computed, in one map value. Shared, byte for byte, by the BPF C and the command's C++. */
#ifndef KASHIM_BPF_SETTINGS_H
#define KASHIM_BPF_SETTINGS_H

#include <linux/types.h>

#include "core/dead_peer.h"
#include "core/keepalive_options.h"

#define KASHIM_BPF_MAX_RULES KASHIM_MAX_RULES
#define KASHIM_BPF_OPTIONS KASHIM_OPTION_COUNT /* by the decision table's index */
#define KASHIM_BPF_GROUP_PATH 512

enum kashim_bpf_direction { KASHIM_BPF_ANY = 0, KASHIM_BPF_IN = 1, KASHIM_BPF_OUT = 2 };

/* The options one socket gets: bit i of `set` (KASHIM_OPTION_BIT, the core's OptionBits) means
 * value[i] is set; none for a rule that says off. */
struct kashim_bpf_plan {
    __u32 set;
    __s32 value[KASHIM_BPF_OPTIONS];
};

/* A rule's selectors. The address and its prefix's mask are four words in network order, IPv4
 * in the first: a match is ((peer ^ address) & mask) == 0 in every word, without a loop. */
struct kashim_bpf_rule {
    __u8 direction; /* kashim_bpf_direction */
    __u8 has_network;
    __u8 family; /* 4 or 6 */
    __u8 has_port;
    __u16 port_low, port_high; /* host order */
    __u32 address[4];
    __u32 mask[4];
};

struct kashim_bpf_settings {
    __u32 policy; /* kashim_policy */
    __u32 rule_count;
    __u32 listener_by_port; /* no rule looks at an inbound peer: listeners are configured */
    struct kashim_bpf_plan global;
    struct kashim_bpf_plan rule_plans[KASHIM_BPF_MAX_RULES];
    struct kashim_bpf_rule rules[KASHIM_BPF_MAX_RULES];
    char group[KASHIM_BPF_GROUP_PATH]; /* the group's path, for `kashim attached` */
    __s64 counting_since; /* Unix seconds when the counters started: the first attach (a re-attach keeps them) */
};

/* What an attachment counts, per CPU, by index: the connections it configured, then those that
 * ended on a dead peer, by reason (core/dead_peer.h: 1 to KASHIM_DEAD_PEER_REASONS). The map
 * outlives a re-attach, as the socket map does; a new attachment starts at zero. */
#define KASHIM_BPF_COUNTER_CONFIGURED 0
#define KASHIM_BPF_COUNTERS (1 + KASHIM_DEAD_PEER_REASONS)

/* What the programs remember of one socket (socket-local storage, cloned to accepted ones). */
struct kashim_bpf_socket {
    __u8 configured;
    __s8 rule; /* -1: the global settings */
    __u8 pinned;      /* options whose operator value the policy defends */
    __u8 program_set; /* options the program set before it was configured */
    /* What it set them to (the values the kernel accepts), for the cap policy to weigh. Kept
     * here rather than read back with bpf_getsockopt, which knows these options only since 6.1. */
    __s32 program_value[KASHIM_BPF_OPTIONS];
};

#endif
