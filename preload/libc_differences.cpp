#include "libc_differences.h"
#include "../core/load_path.h"

#include "../log/written_at_load.h"
#include "symbol_lookup.h"

#include <atomic>
#include <cstring>

// libkashim.so is linked without the C runtime's start files (-nostartfiles): their _init and
// _fini lie on pages of their own, a page fault in every exec (about 4 µs each here). What they did
// that kashim needs is here: the handle that names this object to glibc. Their unload-time
// __cxa_finalize, which drops the fork handler registered under it, is not needed: the library is
// linked -z nodelete, so a dlclose never unmaps the code a fork handler points at.
extern "C" {
__attribute__((visibility("hidden"))) void* __dso_handle = &__dso_handle;

// Bound by the loader where the C library has them, null where it has not: glibc has
// __register_atfork, tried first (its pthread_atfork is only a compatibility symbol), musl has
// pthread_atfork. Weak, so musl's loader does not refuse the library for the one it lacks; bound
// at load, so the constructor walks no symbol tables for them.
int kashim_register_atfork(void (*)(), void (*)(), void (*)(), void*) __asm__("__register_atfork") __attribute__((weak));
int kashim_pthread_atfork(void (*)(), void (*)(), void (*)()) __asm__("pthread_atfork") __attribute__((weak));
}

namespace kashim {
namespace {

using DescribeError = const char* (*)(int);

KASHIM_WRITTEN_AT_LOAD __constinit std::atomic<DescribeError> g_describe_error{nullptr};

const char* table_strerror(int error) { return strerror(error); }

}  // namespace

KASHIM_LOAD_PATH void run_in_fork_children(void (*handler)()) {
    if (kashim_register_atfork != nullptr)
        kashim_register_atfork(nullptr, nullptr, handler, &__dso_handle);
    else if (kashim_pthread_atfork != nullptr)
        kashim_pthread_atfork(nullptr, nullptr, handler);
}

const char* error_description(int error) {
    DescribeError describe = g_describe_error.load(std::memory_order_acquire);
    if (describe == nullptr) {
        // glibc's strerror may translate and allocate; strerrordesc_np does neither. musl's
        // strerror is a lookup in a constant table, so it serves there.
        describe = reinterpret_cast<DescribeError>(first_definition("strerrordesc_np"));
        if (describe == nullptr) describe = table_strerror;
        g_describe_error.store(describe, std::memory_order_release);
    }
    const char* text = describe(error);
    return text != nullptr ? text : "unknown error";
}

}  // namespace kashim
