/* kashim drill's cut: a cgroup_skb pair on the drill's scratch group that, once the drill sets
 * `cut`, drops every packet of the group's TCP sockets both ways, as a peer that vanished from
 * the network would (return 0 drops; 1 passes). Before the cut everything passes, and other
 * traffic (UDP, ICMP, UNIX) always does. The kernel runs these hooks with the group's own full
 * socket as skb->sk: on egress the sender, on ingress the receiver, so on loopback the peer's
 * side, outside the group, is untouched, as with a real cut. */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

#define AF_INET 2
#define AF_INET6 10
#define IPPROTO_TCP 6

char LICENSE[] SEC("license") = "GPL";

/* The flag the drill flips, through the skeleton's mapping of .bss: 0 passes, 1 cuts. */
volatile __u32 cut = 0;

static __always_inline int verdict(struct __sk_buff *skb) {
    if (!cut) return 1;
    struct bpf_sock *sk = skb->sk;
    if (!sk) return 1;
    sk = bpf_sk_fullsock(sk);
    if (!sk) return 1;
    if (sk->family != AF_INET && sk->family != AF_INET6) return 1;
    return sk->protocol == IPPROTO_TCP ? 0 : 1;
}

SEC("cgroup_skb/ingress")
int kashim_drill_in(struct __sk_buff *skb) { return verdict(skb); }

SEC("cgroup_skb/egress")
int kashim_drill_out(struct __sk_buff *skb) { return verdict(skb); }
