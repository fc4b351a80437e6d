/* A test-only interposer, preloaded ahead of libkashim.so: once armed, the next fstat() call
 * returns the truth at once but holds its caller for a while before returning it. kashim checks
 * that its log descriptor is still the file it was at load (fstat) and then writes; holding it
 * between the two lets the test swap what fd 2 is in exactly that window, every time. */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <stdatomic.h>
#include <sys/stat.h>
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

EXPORT int fstat(int fd, struct stat* about) {
    static int (*real)(int, struct stat*);
    if (real == NULL) real = (int (*)(int, struct stat*))dlsym(RTLD_NEXT, "fstat");
    int result = real(fd, about);
    hold_if_armed();
    return result;
}

/* Some sanitizer runtimes implement fstat with the older __fxstat entry point. */
EXPORT int __fxstat(int version, int fd, struct stat* about) {
    static int (*real)(int, int, struct stat*);
    if (real == NULL) real = (int (*)(int, int, struct stat*))dlsym(RTLD_NEXT, "__fxstat");
    int result = real(version, fd, about);
    hold_if_armed();
    return result;
}

EXPORT int __fxstat64(int version, int fd, struct stat64* about) {
    static int (*real)(int, int, struct stat64*);
    if (real == NULL) real = (int (*)(int, int, struct stat64*))dlsym(RTLD_NEXT, "__fxstat64");
    int result = real(version, fd, about);
    hold_if_armed();
    return result;
}

EXPORT int fstat64(int fd, struct stat64* about) {
    static int (*real)(int, struct stat64*);
    if (real == NULL) real = (int (*)(int, struct stat64*))dlsym(RTLD_NEXT, "fstat64");
    int result = real(fd, about);
    hold_if_armed();
    return result;
}
