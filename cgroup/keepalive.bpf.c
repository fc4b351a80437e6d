/* The cgroup engine's kernel side. sock_ops sets the core's plan on each TCP connection of the
 * group as it is made (connect, before the SYN), accepted, or listens, and counts the connections
 * it configured and those that end on a dead peer; cgroup/setsockopt weighs a program's own
 * keepalive setsockopt under the policy. The decisions are the core's own, from the C headers
 * both include (core/keepalive_options.h, core/dead_peer.h); their data (plans, rules) come from
 * the core through the settings map. */
#include <linux/bpf.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_endian.h>
#include <bpf/bpf_helpers.h>

#include "bpf_settings.h"

#define AF_INET 2
#define AF_INET6 10

char LICENSE[] SEC("license") = "GPL";

struct {
    __uint(type, BPF_MAP_TYPE_ARRAY);
    __uint(max_entries, 1);
    __type(key, __u32);
    __type(value, struct kashim_bpf_settings);
} settings SEC(".maps");

struct {
    __uint(type, BPF_MAP_TYPE_SK_STORAGE);
    __uint(map_flags, BPF_F_NO_PREALLOC | BPF_F_CLONE);
    __type(key, int);
    __type(value, struct kashim_bpf_socket);
} sockets SEC(".maps");

struct {
    __uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
    __uint(max_entries, KASHIM_BPF_COUNTERS);
    __type(key, __u32);
    __type(value, __u64);
} counters SEC(".maps");

/* The kernel's socket, as far as the dead-peer facts go: its fields are found in the running
 * kernel's BTF (CO-RE), wherever that kernel puts them. tcp_sock begins with the connection sock,
 * which begins with the sock. */
struct sock {
    int sk_err;
} __attribute__((preserve_access_index));
struct inet_connection_sock {
    __u8 icsk_retransmits;
    __u8 icsk_probes_out;
} __attribute__((preserve_access_index));

_Static_assert((KASHIM_BPF_MAX_RULES & (KASHIM_BPF_MAX_RULES - 1)) == 0, "plan_for masks a rule's index");

/* The plan of rule `rule`, or the global one for -1 (as __u32 or __u8: any value past the rules).
 * The mask keeps the verifier certain of the bound the comparison already gives. */
static __always_inline const struct kashim_bpf_plan *plan_for(const struct kashim_bpf_settings *s, __u32 rule) {
    if (rule >= KASHIM_BPF_MAX_RULES) return &s->global;
    return &s->rule_plans[rule & (KASHIM_BPF_MAX_RULES - 1)];
}

/* The peer: an IPv4 address in words[0], or an IPv6 one in all four, which may be an IPv4-mapped
 * one (::ffff:a.b.c.d, what a dual-stack socket reports). As in the core, a mapped peer matches
 * IPv4 rules as its IPv4 address and IPv6 rules as itself. */
struct peer {
    int family; /* 0: none (a listener) */
    __u32 words[4];
    int mapped;
};

static __always_inline int network_matches(const struct kashim_bpf_rule *rule, const struct peer *peer) {
    __u32 w0 = peer->words[0], w1 = peer->words[1], w2 = peer->words[2], w3 = peer->words[3];
    if (rule->family == 4) {
        if (peer->mapped) w0 = w3, w1 = w2 = w3 = 0;
        else if (peer->family != AF_INET) return 0;
    } else if (peer->family != AF_INET6) {
        return 0;
    }
    return (((w0 ^ rule->address[0]) & rule->mask[0]) | ((w1 ^ rule->address[1]) & rule->mask[1]) |
            ((w2 ^ rule->address[2]) & rule->mask[2]) | ((w3 ^ rule->address[3]) & rule->mask[3])) == 0;
}

static __always_inline void peer_of(struct bpf_sock_ops *ops, struct peer *peer) {
    __builtin_memset(peer, 0, sizeof *peer);
    if (ops->family == AF_INET) {
        peer->family = AF_INET;
        peer->words[0] = ops->remote_ip4;
        return;
    }
    peer->family = AF_INET6;
    peer->words[0] = ops->remote_ip6[0];
    peer->words[1] = ops->remote_ip6[1];
    peer->words[2] = ops->remote_ip6[2];
    peer->words[3] = ops->remote_ip6[3];
    peer->mapped = peer->words[0] == 0 && peer->words[1] == 0 && peer->words[2] == bpf_htonl(0xffff);
}

static __always_inline const struct kashim_bpf_settings *settings_in_force(void) {
    __u32 key = 0;
    return bpf_map_lookup_elem(&settings, &key);
}

/* The two steps of configuring a socket are global functions, which the verifier checks once,
 * whatever their callers: inlined, each rule index the match can return multiplied the paths it
 * walked through the rest of the program (attaching took 0.75 s, and one more branch went past
 * its limit). They take the context and numbers alone, as global functions may since Linux 5.6,
 * and read the settings themselves: a program's settings map never changes once loaded. */

/* The first rule that matches the socket, or -1. A listener (`has_peer` 0) matches no network. */
__attribute__((noinline)) int kashim_rule_for(struct bpf_sock_ops *ops, int direction, int port, int has_peer) {
    const struct kashim_bpf_settings *s = settings_in_force();
    if (!s) return -1;
    struct peer peer;
    __builtin_memset(&peer, 0, sizeof peer);
    if (has_peer) peer_of(ops, &peer);
    for (int i = 0; i < KASHIM_BPF_MAX_RULES; i++) {
        if (i >= s->rule_count) break;
        const struct kashim_bpf_rule *rule = &s->rules[i];
        if (rule->direction != KASHIM_BPF_ANY && rule->direction != direction) continue;
        if (rule->has_port && (port < rule->port_low || port > rule->port_high)) continue;
        if (rule->has_network && !network_matches(rule, &peer)) continue;
        return i;
    }
    return -1;
}

/* Sets the options of rule `rule`'s plan but those in `skip` (the program's choices that stand)
 * and returns the ones the kernel refused. */
__attribute__((noinline)) int kashim_apply_plan(struct bpf_sock_ops *ops, int rule, __u32 skip) {
    const struct kashim_bpf_settings *s = settings_in_force();
    if (!s) return 0;
    const struct kashim_bpf_plan *plan = plan_for(s, (__u32)rule);
    __u32 refused = 0;
    for (int i = 0; i < KASHIM_OPTION_COUNT; i++) {
        __u32 bit = KASHIM_OPTION_BIT(i);
        if (!(plan->set & bit) || (skip & bit)) continue;
        int value = plan->value[i];
        if (bpf_setsockopt(ops, kashim_option_level(i), kashim_option_name(i), &value, sizeof value) != 0)
            refused |= bit;
    }
    return (int)refused;
}

static __always_inline void count(__u32 counter) {
    __u64 *value = bpf_map_lookup_elem(&counters, &counter);
    if (value) *value += 1; /* per CPU: no other writer */
}

/* A connection that moves to CLOSE: whether the peer was dead, and why, from the kernel's facts
 * (core/dead_peer.h decides). */
static __always_inline void count_if_dead_peer(struct bpf_sock_ops *ops) {
    struct tcp_sock *tcp = ops->sk ? bpf_skc_to_tcp_sock(ops->sk) : 0;
    if (!tcp) return;
    struct kashim_connection_end end = {
        .closed = 1,
        .error = BPF_CORE_READ((struct sock *)tcp, sk_err),
        .probes_out = BPF_CORE_READ((struct inet_connection_sock *)tcp, icsk_probes_out),
        .retransmits = BPF_CORE_READ((struct inet_connection_sock *)tcp, icsk_retransmits),
        .segments_in = ops->segs_in,
    };
    enum kashim_dead_peer_reason reason = kashim_dead_peer_reason(&end);
    if (reason != KASHIM_NOT_A_DEAD_PEER) count((__u32)reason);
}

/* A connection that carries kashim's settings is followed to its end, at the least cost to the
 * healthy ones: from connect, only the retransmission timeout callback (RTO_CB, which a healthy
 * connection never fires) watches for a SYN that goes unanswered; once established, state
 * changes (STATE_CB) watch for the move to CLOSE, until the connection leaves ESTABLISHED for
 * an orderly close (the peer was alive, or the program let go first). That costs one call of
 * this program per side of a healthy connection. RTO_CB set is also the mark, read at
 * ACTIVE_ESTABLISHED, that a connection carries the settings. */
static __always_inline void set_followed(struct bpf_sock_ops *ops, __u32 flag, int followed) {
    __u32 flags = ops->bpf_sock_ops_cb_flags;
    bpf_sock_ops_cb_flags_set(ops, followed ? flags | flag : flags & ~flag);
}

static __always_inline void follow(struct bpf_sock_ops *ops) {
    switch (ops->op) {
        case BPF_SOCK_OPS_TCP_CONNECT_CB:
            count(KASHIM_BPF_COUNTER_CONFIGURED);
            set_followed(ops, BPF_SOCK_OPS_RTO_CB_FLAG, 1);
            break;
        case BPF_SOCK_OPS_PASSIVE_ESTABLISHED_CB:
            count(KASHIM_BPF_COUNTER_CONFIGURED);
            set_followed(ops, BPF_SOCK_OPS_STATE_CB_FLAG, 1);
            break;
        case BPF_SOCK_OPS_ACTIVE_ESTABLISHED_CB:
            if (ops->bpf_sock_ops_cb_flags & BPF_SOCK_OPS_RTO_CB_FLAG) set_followed(ops, BPF_SOCK_OPS_STATE_CB_FLAG, 1);
            break;
        case BPF_SOCK_OPS_RTO_CB:
            if (ops->args[2]) set_followed(ops, BPF_SOCK_OPS_STATE_CB_FLAG, 1); /* expired: the close follows */
            break;
        case BPF_SOCK_OPS_STATE_CB:
            if (ops->args[1] == BPF_TCP_CLOSE) count_if_dead_peer(ops);
            else if (ops->args[1] != BPF_TCP_ESTABLISHED) set_followed(ops, BPF_SOCK_OPS_STATE_CB_FLAG, 0);
            break;
    }
}

/* A socket kashim configured with the global plan, all of it taken, has no entry in `sockets`:
 * allocating one for every connection was most of cgroup mode's cost per connection. The entry
 * is made only for what an absent one cannot say (see recorded_as_configured): the program's own
 * choices, a rule's plan, an option the kernel refused. */
/* Returns whether the socket carries options of kashim's: set now, or inherited from a listener. */
static __always_inline int configure(struct bpf_sock_ops *ops, const struct kashim_bpf_settings *s, int direction,
                                     int port, int has_peer) {
    struct bpf_sock *sk = ops->sk;
    if (!sk) return 0;
    struct kashim_bpf_socket *state = bpf_sk_storage_get(&sockets, sk, 0, 0);
    if (state && state->configured) return state->pinned != 0; /* a configured listener's clone, or configured already */
    int rule = kashim_rule_for(ops, direction, port, has_peer);
    const struct kashim_bpf_plan *plan = plan_for(s, (__u32)rule);
    __u32 skip = state ? kashim_choices_that_stand(s->policy, state->program_set, state->program_value, plan->set,
                                                   plan->value)
                       : 0;
    __u32 refused = (__u32)kashim_apply_plan(ops, rule, skip);
    __u32 carried = plan->set & ~refused;
    if (!state && (rule >= 0 || refused != 0)) state = bpf_sk_storage_get(&sockets, sk, 0, BPF_SK_STORAGE_GET_F_CREATE);
    if (state) {
        state->configured = 1;
        state->rule = (__s8)rule;
        state->pinned = (__u8)carried;
    }
    return carried != 0;
}

/* What a socket without an entry in `sockets` is: configured with the whole global plan once it
 * has been through connect, accept or (when listeners are configured) listen; untouched before. */
static __always_inline int recorded_as_configured(const struct kashim_bpf_settings *s, const struct bpf_sock *sk) {
    if (sk->state == BPF_TCP_CLOSE) return 0;
    return sk->state != BPF_TCP_LISTEN || s->listener_by_port;
}

SEC("sockops")
int kashim_sock_ops(struct bpf_sock_ops *ops) {
    int direction, port, has_peer = 1;
    switch (ops->op) {
        case BPF_SOCK_OPS_TCP_CONNECT_CB:
            direction = KASHIM_BPF_OUT;
            port = (__u16)bpf_ntohl(ops->remote_port);
            break;
        case BPF_SOCK_OPS_PASSIVE_ESTABLISHED_CB:
            direction = KASHIM_BPF_IN;
            port = (__u16)ops->local_port;
            break;
        case BPF_SOCK_OPS_TCP_LISTEN_CB:
            direction = KASHIM_BPF_IN;
            port = (__u16)ops->local_port;
            has_peer = 0;
            break;
        default:
            follow(ops);
            return 1;
    }
    const struct kashim_bpf_settings *s = settings_in_force();
    if (!s || (ops->op == BPF_SOCK_OPS_TCP_LISTEN_CB && !s->listener_by_port)) return 1;
    if (configure(ops, s, direction, port, has_peer) && ops->op != BPF_SOCK_OPS_TCP_LISTEN_CB) follow(ops);
    return 1;
}

SEC("cgroup/setsockopt")
int kashim_setsockopt(struct bpf_sockopt *ctx) {
    __u32 index = (__u32)kashim_option_index(ctx->level, ctx->optname);
    if (index >= KASHIM_OPTION_COUNT) return 1; /* -1: not a keepalive option */
    struct bpf_sock *sk = ctx->sk;
    if (!sk || sk->protocol != KASHIM_IPPROTO_TCP) return 1;
    const struct kashim_bpf_settings *s = settings_in_force();
    if (!s) return 1;
    int *optval = ctx->optval;
    const int *value = ctx->optlen >= (int)sizeof(int) && (void *)(optval + 1) <= ctx->optval_end ? optval : 0;
    struct kashim_bpf_socket *state = bpf_sk_storage_get(&sockets, sk, 0, 0);
    const struct kashim_bpf_plan *plan;
    __u32 pinned;
    if (state && state->configured) {
        plan = plan_for(s, (__u8)state->rule);
        pinned = state->pinned;
    } else if (!state && recorded_as_configured(s, sk)) {
        plan = &s->global;
        pinned = plan->set;
    } else {
        /* Not configured yet: the choice is weighed when it is. */
        if (!kashim_program_choice_counts(s->policy, index, value)) return 1;
        if (!state) state = bpf_sk_storage_get(&sockets, sk, 0, BPF_SK_STORAGE_GET_F_CREATE);
        if (!state) return 1;
        state->program_set |= KASHIM_OPTION_BIT(index);
        state->program_value[index] = *value;
        return 1;
    }
    if (kashim_judge_program_setsockopt(s->policy, index, pinned, value, plan->value[index]) ==
        KASHIM_CALL_ANSWERED_BY_KASHIM)
        ctx->optlen = -1; /* answered with success; the kernel keeps the operator's value */
    return 1;
}
