// fstat through the system call. glibc has had an fstat symbol only since 2.33 (before, fstat was
// an inline call of __fxstat, which musl lacks), so calling it would keep libkashim.so from loading
// into programs of older glibc releases.
#pragma once

#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#if !defined(__x86_64__) && !defined(__aarch64__)
#error "the kernel's struct stat is the C library's on x86-64 and aarch64; check it for this architecture"
#endif

namespace kashim {

inline int file_status(int fd, struct stat* status) { return static_cast<int>(syscall(SYS_fstat, fd, status)); }

}  // namespace kashim
