// The functions kashim wraps, as the next object in the lookup order provides them (usually libc,
// or another preloaded interposer: dlsym(RTLD_NEXT)'s order keeps the chain intact).
#pragma once

#include <sys/socket.h>
#include <sys/ioctl.h>
#include <sys/types.h>
#include <termios.h>

#include <atomic>
#include <cerrno>

namespace kashim {

// What dlsym(RTLD_NEXT, name) would return, found without dlsym (symbol_lookup.h), or null when
// missing or when it would lead back to `own_hook`.
void* resolve_next(const char* name, void* own_hook);

// One real function, resolved on first use and cached. Resolution only reads the loaded objects'
// symbol tables, so it is async-signal-safe and may run in any hook, even in a signal handler
// that interrupted malloc or the loader. It is idempotent, so threads that race on it store the
// same pointer and need no lock. A process that never calls a hook never resolves anything.
template <typename Function>
class RealFunction;

template <typename Return, typename... Args>
class RealFunction<Return (*)(Args...)> {
public:
    using Function = Return (*)(Args...);

    constexpr RealFunction(const char* name, Function own_hook) : name_(name), own_hook_(own_hook) {}

    // Null when the symbol is missing or would lead back into kashim itself.
    Function get() {
        Function function = cached_.load(std::memory_order_acquire);
        if (function == nullptr) {
            function = resolve();
            cached_.store(function, std::memory_order_release);
        }
        return function;
    }

    // Calls the real function; without one the call fails with ENOSYS rather than crashing.
    Return operator()(Args... args) {
        Function function = get();
        if (function == nullptr) {
            errno = ENOSYS;
            return -1;
        }
        return function(args...);
    }

private:
    Function resolve() const {
        return reinterpret_cast<Function>(resolve_next(name_, reinterpret_cast<void*>(own_hook_)));
    }

    const char* name_;
    Function own_hook_;
    std::atomic<Function> cached_{nullptr};
};

extern RealFunction<int (*)(int, int, int)> real_socket;
extern RealFunction<int (*)(int, const sockaddr*, socklen_t)> real_connect;
extern RealFunction<int (*)(int, sockaddr*, socklen_t*)> real_accept;
extern RealFunction<int (*)(int, sockaddr*, socklen_t*, int)> real_accept4;
extern RealFunction<int (*)(int, int)> real_listen;
extern RealFunction<int (*)(int, int, int, const void*, socklen_t)> real_setsockopt;
extern RealFunction<int (*)(int)> real_close;
extern RealFunction<int (*)(unsigned, unsigned, int)> real_close_range;
extern RealFunction<void (*)(int)> real_closefrom;
extern RealFunction<int (*)(int, int)> real_dup2;
extern RealFunction<int (*)(int, int, int)> real_dup3;
extern RealFunction<pid_t (*)()> real_fork;
extern RealFunction<int (*)(int, int)> real_daemon;
extern RealFunction<pid_t (*)(int*, char*, const termios*, const winsize*)> real_forkpty;

}  // namespace kashim
