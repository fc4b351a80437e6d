#include "notify_filter.h"

#include "audit_architecture.h"

#include <linux/seccomp.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <sys/syscall.h>

#include <cstddef>

namespace kashim {
namespace {

sock_filter load(uint32_t offset) { return BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offset); }
sock_filter verdict(uint32_t action) { return BPF_STMT(BPF_RET | BPF_K, action); }
// Jumps `if_equal` instructions ahead when the accumulator equals `value`, else falls through.
sock_filter jump_if(uint32_t value, uint8_t if_equal) { return BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, value, if_equal, 0); }

constexpr uint32_t argument_low(int index) {
    return static_cast<uint32_t>(offsetof(seccomp_data, args) + index * sizeof(uint64_t));
}

}  // namespace

std::vector<sock_filter> build_notify_filter() {
    const uint32_t allow = SECCOMP_RET_ALLOW, notify = SECCOMP_RET_USER_NOTIF;
    // Every jump is forward; its number counts the instructions skipped. The index of each
    // instruction is in the comment, so the arithmetic can be checked at a glance.
    return {
        load(offsetof(seccomp_data, arch)),  // 0
        jump_if(kAuditArchitecture, 1),     // 1 -> 3
        verdict(allow),                      // 2
        load(offsetof(seccomp_data, nr)),    // 3
        jump_if(__NR_connect, 3),            // 4 -> 8
        jump_if(__NR_listen, 2),             // 5 -> 8
        jump_if(__NR_setsockopt, 2),         // 6 -> 9
        verdict(allow),                      // 7
        verdict(notify),                     // 8
        load(argument_low(1)),               // 9: setsockopt's level
        jump_if(SOL_SOCKET, 2),              // 10 -> 13
        jump_if(IPPROTO_TCP, 4),             // 11 -> 16
        verdict(allow),                      // 12
        load(argument_low(2)),               // 13: the option, at SOL_SOCKET
        jump_if(SO_KEEPALIVE, 7),            // 14 -> 22
        verdict(allow),                      // 15
        load(argument_low(2)),               // 16: the option, at IPPROTO_TCP
        jump_if(TCP_KEEPIDLE, 4),            // 17 -> 22
        jump_if(TCP_KEEPINTVL, 3),           // 18 -> 22
        jump_if(TCP_KEEPCNT, 2),             // 19 -> 22
        jump_if(TCP_USER_TIMEOUT, 1),        // 20 -> 22
        verdict(allow),                      // 21
        verdict(notify),                     // 22
    };
}

}  // namespace kashim
