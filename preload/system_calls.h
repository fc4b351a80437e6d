// System calls made directly: every process that preloads kashim asks its ID in the constructor,
// and libc's wrappers lie on pages of libc that nothing else touches at start
// (one more page fault in every exec, about 4 µs on the machine the figures come from). None of
// them touches errno, which a hook must leave as the program's call left it.
#pragma once

#include <stddef.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/types.h>

namespace kashim {

// The result, or -errno.
inline long raw_system_call(long number, long a = 0, long b = 0, long c = 0, long d = 0, long e = 0, long f = 0) {
#if defined(__x86_64__)
    register long r10 asm("r10") = d;
    register long r8 asm("r8") = e;
    register long r9 asm("r9") = f;
    long result;
    asm volatile("syscall"
                 : "=a"(result)
                 : "0"(number), "D"(a), "S"(b), "d"(c), "r"(r10), "r"(r8), "r"(r9)
                 : "rcx", "r11", "memory");
    return result;
#elif defined(__aarch64__)
    register long call asm("x8") = number;
    register long x0 asm("x0") = a;
    register long x1 asm("x1") = b;
    register long x2 asm("x2") = c;
    register long x3 asm("x3") = d;
    register long x4 asm("x4") = e;
    register long x5 asm("x5") = f;
    asm volatile("svc 0" : "+r"(x0) : "r"(call), "r"(x1), "r"(x2), "r"(x3), "r"(x4), "r"(x5) : "memory");
    return x0;
#else
#error "make a system call as this architecture's convention does"
#endif
}

inline pid_t current_process_id() { return static_cast<pid_t>(raw_system_call(SYS_getpid)); }

// `size` bytes of fresh zeroes of this process's own, or null when the kernel has none to give.
inline void* map_zeroes(size_t size) {
    long mapped = raw_system_call(SYS_mmap, 0, static_cast<long>(size), PROT_READ | PROT_WRITE,
                                  MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    return mapped < 0 && mapped > -4096 ? nullptr : reinterpret_cast<void*>(mapped);
}

inline void unmap(void* address, size_t size) {
    raw_system_call(SYS_munmap, reinterpret_cast<long>(address), static_cast<long>(size));
}

}  // namespace kashim
