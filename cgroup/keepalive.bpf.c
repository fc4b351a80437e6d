/* The cgroup engine's kernel side. sock_ops sets the core's plan on each TCP connection of the
 * group as it is made (connect, before the SYN), accepted, or listens; cgroup/setsockopt weighs a
 * program's own keepalive setsockopt under the policy, as the core's judge_program_setsockopt
 * does. The decisions' data (plans, rules) come from the core, through the settings map. */
#include <linux/bpf.h>
#include <bpf/bpf_endian.h>
#include <bpf/bpf_helpers.h>

#include "bpf_settings.h"

#define AF_INET 2
#define AF_INET6 10
#define SOL_SOCKET 1
#define SO_KEEPALIVE 9
#define IPPROTO_TCP 6
#define TCP_KEEPIDLE 4
#define TCP_KEEPINTVL 5
#define TCP_KEEPCNT 6
#define TCP_USER_TIMEOUT 18

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

static const int option_level[KASHIM_BPF_OPTIONS] = {SOL_SOCKET, IPPROTO_TCP, IPPROTO_TCP, IPPROTO_TCP, IPPROTO_TCP};
static const int option_name[KASHIM_BPF_OPTIONS] = {SO_KEEPALIVE, TCP_KEEPIDLE, TCP_KEEPINTVL, TCP_KEEPCNT,
                                                    TCP_USER_TIMEOUT};

static __always_inline int option_index(int level, int name) {
    if (level == SOL_SOCKET) return name == SO_KEEPALIVE ? 0 : -1;
    if (level != IPPROTO_TCP) return -1;
    switch (name) {
        case TCP_KEEPIDLE: return 1;
        case TCP_KEEPINTVL: return 2;
        case TCP_KEEPCNT: return 3;
        case TCP_USER_TIMEOUT: return 4;
    }
    return -1;
}

/* As the core: the kernel's own limits, and "at least as tight as the operator's". */
static __always_inline int within_kernel_limits(__u32 index, int value) {
    if (index == 1 || index == 2) return value >= 1 && value <= 32767;
    if (index == 3) return value >= 1 && value <= 127;
    if (index == 4) return value >= 0;
    return 1;
}

static __always_inline int at_least_as_tight(__u32 index, int program, int operator_value) {
    if (index == 0) return program != 0;
    if (index == 4) return program > 0 && program <= operator_value;
    return program <= operator_value;
}

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

static __always_inline int match_rule(const struct kashim_bpf_settings *s, int direction, const struct peer *peer,
                                      __u16 port) {
    for (int i = 0; i < KASHIM_BPF_MAX_RULES; i++) {
        if (i >= s->rule_count) break;
        const struct kashim_bpf_rule *rule = &s->rules[i];
        if (rule->direction != KASHIM_BPF_ANY && rule->direction != direction) continue;
        if (rule->has_port && (port < rule->port_low || port > rule->port_high)) continue;
        if (rule->has_network && !network_matches(rule, peer)) continue;
        return i;
    }
    return -1;
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

static __always_inline void configure(struct bpf_sock_ops *ops, const struct kashim_bpf_settings *s, int direction,
                                      const struct peer *peer, __u16 port) {
    struct bpf_sock *sk = ops->sk;
    if (!sk) return;
    struct kashim_bpf_socket *state = bpf_sk_storage_get(&sockets, sk, 0, BPF_SK_STORAGE_GET_F_CREATE);
    if (!state || state->configured) return; /* a listener's clone, or configured already */
    int rule = match_rule(s, direction, peer, port);
    const struct kashim_bpf_plan *plan = plan_for(s, (__u32)rule);
    __u8 skip = 0, refused = 0;
    for (int i = 0; i < KASHIM_BPF_OPTIONS; i++) {
        __u8 bit = 1 << i;
        if (!(plan->set & bit) || !(state->program_set & bit) || s->policy == KASHIM_BPF_OVERRIDE) continue;
        if (s->policy == KASHIM_BPF_RESPECT) {
            skip |= bit;
            continue;
        }
        if (at_least_as_tight(i, state->program_value[i], plan->value[i])) skip |= bit;
    }
    for (int i = 0; i < KASHIM_BPF_OPTIONS; i++) {
        __u8 bit = 1 << i;
        if (!(plan->set & bit) || (skip & bit)) continue;
        int value = plan->value[i];
        if (bpf_setsockopt(ops, option_level[i], option_name[i], &value, sizeof value) != 0) refused |= bit;
    }
    state->configured = 1;
    state->rule = (__s8)rule;
    state->pinned = (__u8)(plan->set & ~refused);
}

SEC("sockops")
int kashim_sock_ops(struct bpf_sock_ops *ops) {
    int direction;
    __u16 port;
    struct peer peer;
    __builtin_memset(&peer, 0, sizeof peer); /* a listener has no peer: family 0 */
    switch (ops->op) {
        case BPF_SOCK_OPS_TCP_CONNECT_CB:
            direction = KASHIM_BPF_OUT;
            port = (__u16)bpf_ntohl(ops->remote_port);
            peer_of(ops, &peer);
            break;
        case BPF_SOCK_OPS_PASSIVE_ESTABLISHED_CB:
            direction = KASHIM_BPF_IN;
            port = (__u16)ops->local_port;
            peer_of(ops, &peer);
            break;
        case BPF_SOCK_OPS_TCP_LISTEN_CB:
            direction = KASHIM_BPF_IN;
            port = (__u16)ops->local_port;
            break;
        default:
            return 1;
    }
    __u32 key = 0;
    const struct kashim_bpf_settings *s = bpf_map_lookup_elem(&settings, &key);
    if (!s || (ops->op == BPF_SOCK_OPS_TCP_LISTEN_CB && !s->listener_by_port)) return 1;
    configure(ops, s, direction, &peer, port);
    return 1;
}

SEC("cgroup/setsockopt")
int kashim_setsockopt(struct bpf_sockopt *ctx) {
    __u32 index = (__u32)option_index(ctx->level, ctx->optname);
    if (index >= KASHIM_BPF_OPTIONS) return 1; /* -1: not a keepalive option */
    struct bpf_sock *sk = ctx->sk;
    if (!sk || sk->protocol != IPPROTO_TCP) return 1;
    __u32 key = 0;
    const struct kashim_bpf_settings *s = bpf_map_lookup_elem(&settings, &key);
    if (!s) return 1;
    struct kashim_bpf_socket *state = bpf_sk_storage_get(&sockets, sk, 0, BPF_SK_STORAGE_GET_F_CREATE);
    if (!state) return 1;
    __u8 bit = 1 << index;
    int *value = ctx->optval;
    int readable = ctx->optlen >= (int)sizeof(int) && (void *)(value + 1) <= ctx->optval_end;
    if (!state->configured) {
        /* Weighed when the socket is configured; a value the kernel will refuse is no choice. */
        if (s->policy != KASHIM_BPF_OVERRIDE && readable && within_kernel_limits(index, *value)) {
            state->program_set |= bit;
            state->program_value[index] = *value;
        }
        return 1;
    }
    if (!(state->pinned & bit) || s->policy == KASHIM_BPF_RESPECT || !readable) return 1;
    if (s->policy == KASHIM_BPF_CAP) {
        const struct kashim_bpf_plan *plan = plan_for(s, (__u8)state->rule);
        if (!within_kernel_limits(index, *value) || at_least_as_tight(index, *value, plan->value[index])) return 1;
    }
    ctx->optlen = -1; /* answered with success; the kernel keeps the operator's value */
    return 1;
}
