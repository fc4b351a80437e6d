// The seccomp filter of `kashim --seccomp`: the kernel stops a supervised program only on the
// calls kashim acts on, and runs everything else at full speed.
#pragma once

#include <linux/filter.h>

#include <vector>

namespace kashim {

// Notifies on connect(), listen(), and setsockopt() of the keepalive options (SO_KEEPALIVE,
// TCP_KEEPIDLE, TCP_KEEPINTVL, TCP_KEEPCNT, TCP_USER_TIMEOUT, told apart in the filter by the
// level and option arguments); allows every other call, and every call of another architecture
// (a 32-bit program's socketcall is not reached).
std::vector<sock_filter> build_notify_filter();

}  // namespace kashim
