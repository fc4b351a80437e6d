/* A test-only interposer, preloaded ahead of libkashim.so: once armed, the next fstat system call
 * made through syscall() returns the truth at once but holds its caller for a while before
 * returning it. kashim checks that its log descriptor is still the file it was at load
 * (syscall(SYS_fstat), sources/file_status.h) and then writes; holding it between the two lets the
 * test swap what fd 2 is in exactly that window, every time. */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <sys/syscall.h>
#include <time.h>

#define EXPORT __attribute__((visibility("default")))

static atomic_int armed_ms;
static atomic_int state; /* 0 idle, 1 holding a caller, 2 done */

EXPORT void slow_fstat_arm(int ms) { atomic_store(&armed_ms, ms); }
EXPORT int slow_fstat_state(void) { return atomic_load(&state); }

static void hold_if_armed(void) {
    int ms = atomic_exchange(&armed_ms, 0);
    if (ms <= 0) return;
    atomic_store(&state, 1);
    struct timespec pause = {ms / 1000, (long)(ms % 1000) * 1000000L};
    while (nanosleep(&pause, &pause) != 0) {
    }
    atomic_store(&state, 2);
}

/* Every system call's arguments are register-sized on x86-64 and aarch64: six longs pass any. */
EXPORT long syscall(long number, ...) {
    static long (*real)(long, ...);
    if (real == NULL) real = (long (*)(long, ...))dlsym(RTLD_NEXT, "syscall");
    va_list list;
    va_start(list, number);
    long arguments[6];
    for (int i = 0; i < 6; ++i) arguments[i] = va_arg(list, long);
    va_end(list);
    long result = real(number, arguments[0], arguments[1], arguments[2], arguments[3], arguments[4], arguments[5]);
    if (number == SYS_fstat) hold_if_armed();
    return result;
}
