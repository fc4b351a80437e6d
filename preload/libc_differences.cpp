#include "libc_differences.h"
#include "../core/load_path.h"

#include "../log/written_at_load.h"

#include <dlfcn.h>

#include <atomic>
#include <cstring>

extern "C" void* __dso_handle;  // this object's handle, so glibc drops the handler if it is unloaded

namespace kashim {
namespace {

using RegisterAtfork = int (*)(void (*)(), void (*)(), void (*)(), void*);  // glibc's __register_atfork
using PthreadAtfork = int (*)(void (*)(), void (*)(), void (*)());           // musl's pthread_atfork
using DescribeError = const char* (*)(int);

KASHIM_WRITTEN_AT_LOAD __constinit std::atomic<RegisterAtfork> g_register_atfork{nullptr};
KASHIM_WRITTEN_AT_LOAD __constinit std::atomic<PthreadAtfork> g_pthread_atfork{nullptr};
KASHIM_WRITTEN_AT_LOAD __constinit std::atomic<DescribeError> g_describe_error{nullptr};

const char* table_strerror(int error) { return strerror(error); }

template <typename Function>
Function lookup(const char* name) {
    return reinterpret_cast<Function>(dlsym(RTLD_DEFAULT, name));
}

}  // namespace

KASHIM_LOAD_PATH void resolve_libc_differences() {
    // glibc exports pthread_atfork only as a compatibility symbol, which dlsym does not return.
    g_register_atfork.store(lookup<RegisterAtfork>("__register_atfork"), std::memory_order_relaxed);
    if (g_register_atfork.load(std::memory_order_relaxed) == nullptr)
        g_pthread_atfork.store(lookup<PthreadAtfork>("pthread_atfork"), std::memory_order_relaxed);
    // glibc's strerror may translate and allocate; strerrordesc_np does neither. musl's strerror
    // is a lookup in a constant table, so it serves there.
    DescribeError describe = lookup<DescribeError>("strerrordesc_np");
    g_describe_error.store(describe != nullptr ? describe : table_strerror, std::memory_order_release);
}

KASHIM_LOAD_PATH void run_in_fork_children(void (*handler)()) {
    if (RegisterAtfork register_atfork = g_register_atfork.load(std::memory_order_relaxed))
        register_atfork(nullptr, nullptr, handler, &__dso_handle);
    else if (PthreadAtfork pthread_atfork = g_pthread_atfork.load(std::memory_order_relaxed))
        pthread_atfork(nullptr, nullptr, handler);
}

const char* error_description(int error) {
    DescribeError describe = g_describe_error.load(std::memory_order_acquire);
    const char* text = describe != nullptr ? describe(error) : nullptr;
    return text != nullptr ? text : "unknown error";
}

}  // namespace kashim
