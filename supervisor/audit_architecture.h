#pragma once
// The AUDIT_ARCH_ value the kernel puts in seccomp_data.arch for a system call of a program built
// like this one. A seccomp filter checks it first: a value of another architecture fails that
// check for every call, and the filter then lets everything through unseen.
#include <linux/audit.h>

namespace kashim {

#if defined(__x86_64__) && !defined(__ILP32__)
inline constexpr unsigned kAuditArchitecture = AUDIT_ARCH_X86_64;
#elif defined(__aarch64__) && !defined(__ILP32__)
inline constexpr unsigned kAuditArchitecture = AUDIT_ARCH_AARCH64;
#else
#error "add this architecture's AUDIT_ARCH_ value"
#endif

}  // namespace kashim
