/* Whether a connection kashim configured ended on a dead peer, and why, from the kernel's facts
 * about it: decided once, in C, for the cgroup engine's BPF programs (when a connection of the
 * group moves to CLOSE) and for the preload engine (when the program closes or replaces a socket
 * it configured). The facts are the caller's to gather; the decision is a pure function of them.
 *
 * Every timeout kill in the kernel goes through tcp_write_err() (net/ipv4/tcp_timer.c), which
 * sets the socket's error to ETIMEDOUT (or to a soft error an ICMP message left, such as
 * EHOSTUNREACH) and closes it: keepalive probes unanswered, or the user timeout while probing,
 * from the keepalive timer; retransmissions or the user timeout with data in flight; a SYN never
 * answered. A reset from the peer sets ECONNRESET instead, and a FIN leaves the socket in
 * CLOSE_WAIT, not CLOSE. */
#ifndef KASHIM_DEAD_PEER_H
#define KASHIM_DEAD_PEER_H

/* The same on every Linux architecture kashim builds for. */
#define KASHIM_ETIMEDOUT 110
#define KASHIM_ENETUNREACH 101
#define KASHIM_EHOSTUNREACH 113

/* One row a reason, in the order of their values. Columns: value, the name Prometheus labels
 * and kashim's lines use, what it means in words. */
#define KASHIM_DEAD_PEER_TABLE(ROW)                                                                      \
    ROW(KASHIM_DEAD_PEER_KEEPALIVE, "keepalive", "keepalive probes unanswered on an idle connection")   \
    ROW(KASHIM_DEAD_PEER_USER_TIMEOUT, "user_timeout",                                                   \
        "data unacknowledged past the user timeout, or retransmissions exhausted")                      \
    ROW(KASHIM_DEAD_PEER_CONNECT, "connect", "a SYN never answered")

#define KASHIM_DEAD_PEER_ROW_VALUE(value, name, meaning) value,
enum kashim_dead_peer_reason {
    KASHIM_NOT_A_DEAD_PEER = 0,
    KASHIM_DEAD_PEER_TABLE(KASHIM_DEAD_PEER_ROW_VALUE) KASHIM_DEAD_PEER_REASON_END
};
#undef KASHIM_DEAD_PEER_ROW_VALUE
/* The reasons are 1 to KASHIM_DEAD_PEER_REASONS. */
#define KASHIM_DEAD_PEER_REASONS (KASHIM_DEAD_PEER_REASON_END - 1)

/* What the kernel says of a connection as it ends (BPF: the move to CLOSE) or as the program lets
 * go of it (preload: TCP_INFO and SO_ERROR before the real close). */
struct kashim_connection_end {
    int closed;            /* the kernel's state is CLOSE (tcpi_state, or the state it moved to) */
    int error;             /* the socket's error: sk_err, or SO_ERROR (0 once the program has read it) */
    unsigned probes_out;   /* keepalive probes sent and unanswered: icsk_probes_out, tcpi_probes */
    unsigned retransmits;  /* retransmissions of the same data or SYN unanswered: icsk_retransmits, tcpi_retransmits */
    unsigned segments_in;  /* segments the peer ever sent: tcp_sock segs_in, tcpi_segs_in */
};

#define KASHIM_DEAD_PEER_DECISION static inline __attribute__((always_inline))

/* Whether an error is one a timeout kill leaves: ETIMEDOUT, or the soft error an ICMP message
 * left before it. A peer whose host vanished from the local network leaves EHOSTUNREACH (the
 * neighbour entry fails, and the kernel says so to itself in an ICMP host unreachable), one
 * whose route went leaves ENETUNREACH: the commonest dead peers of all, not to be taken for a
 * reset (ECONNRESET, EPIPE) or a refusal (ECONNREFUSED). */
KASHIM_DEAD_PEER_DECISION int kashim_timeout_error(int error) {
    return error == KASHIM_ETIMEDOUT || error == KASHIM_EHOSTUNREACH || error == KASHIM_ENETUNREACH;
}

/* The reason a connection ended on a dead peer, or KASHIM_NOT_A_DEAD_PEER: still open, closed by
 * a reset or an orderly close, refused, or never connected. An error the program has already read
 * reads as 0 and the counts decide alone. */
KASHIM_DEAD_PEER_DECISION enum kashim_dead_peer_reason kashim_dead_peer_reason(const struct kashim_connection_end *end) {
    if (!end->closed) return KASHIM_NOT_A_DEAD_PEER;
    if (end->error != 0 && !kashim_timeout_error(end->error)) return KASHIM_NOT_A_DEAD_PEER;
    if (end->segments_in == 0) return end->retransmits > 0 ? KASHIM_DEAD_PEER_CONNECT : KASHIM_NOT_A_DEAD_PEER;
    if (end->probes_out > 0) return KASHIM_DEAD_PEER_KEEPALIVE;
    if (end->retransmits > 0) return KASHIM_DEAD_PEER_USER_TIMEOUT;
    return KASHIM_NOT_A_DEAD_PEER;
}

#define KASHIM_DEAD_PEER_ROW_NAME(value, name, meaning) case value: return name;
KASHIM_DEAD_PEER_DECISION const char *kashim_dead_peer_reason_name(int reason) {
    switch (reason) { KASHIM_DEAD_PEER_TABLE(KASHIM_DEAD_PEER_ROW_NAME) }
    return "none";
}
#undef KASHIM_DEAD_PEER_ROW_NAME

#define KASHIM_DEAD_PEER_ROW_MEANING(value, name, meaning) case value: return meaning;
KASHIM_DEAD_PEER_DECISION const char *kashim_dead_peer_reason_meaning(int reason) {
    switch (reason) { KASHIM_DEAD_PEER_TABLE(KASHIM_DEAD_PEER_ROW_MEANING) }
    return "not a dead peer";
}
#undef KASHIM_DEAD_PEER_ROW_MEANING

#undef KASHIM_DEAD_PEER_DECISION

#ifdef __cplusplus
#include <cerrno>
static_assert(KASHIM_ETIMEDOUT == ETIMEDOUT, "the table's ETIMEDOUT must be libc's");
static_assert(KASHIM_ENETUNREACH == ENETUNREACH, "the table's ENETUNREACH must be libc's");
static_assert(KASHIM_EHOSTUNREACH == EHOSTUNREACH, "the table's EHOSTUNREACH must be libc's");
#endif

#endif
