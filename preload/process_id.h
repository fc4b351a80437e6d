// The calling process's ID, and how it was made, asked of the kernel directly: every process that
// preloads kashim asks in the constructor, and libc's wrappers lie on pages of libc that nothing
// else touches at start (one more page fault in every exec, about 4 µs on the machine the figures
// come from). Neither touches errno.
#pragma once

#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/types.h>

namespace kashim {

// The result, or -errno.
inline long raw_system_call(long number, long first = 0, long second = 0) {
#if defined(__x86_64__)
    long result;
    asm volatile("syscall" : "=a"(result) : "0"(number), "D"(first), "S"(second) : "rcx", "r11", "memory");
    return result;
#elif defined(__aarch64__)
    register long call asm("x8") = number;
    register long result asm("x0") = first;
    register long argument asm("x1") = second;
    asm volatile("svc 0" : "+r"(result) : "r"(call), "r"(argument) : "memory");
    return result;
#else
#error "make a system call as this architecture's convention does"
#endif
}

inline pid_t current_process_id() { return static_cast<pid_t>(raw_system_call(SYS_getpid)); }

enum class ThreadIdAddress { Set, None, Unknown };

// Whether the kernel keeps a thread-ID address for this thread (PR_GET_TID_ADDRESS). glibc and musl
// set one at start and fork() leaves one in the child (CLONE_CHILD_CLEARTID, or set_tid_address
// there); vfork() and posix_spawn() children, which run in their parent's memory, have none.
// Unknown where the kernel cannot say: built without CONFIG_CHECKPOINT_RESTORE, or a filter.
inline ThreadIdAddress thread_id_address() {
    void* address = nullptr;
    if (raw_system_call(SYS_prctl, PR_GET_TID_ADDRESS, reinterpret_cast<long>(&address)) != 0)
        return ThreadIdAddress::Unknown;
    return address != nullptr ? ThreadIdAddress::Set : ThreadIdAddress::None;
}

}  // namespace kashim
