#include "real_functions.h"
#include "symbol_lookup.h"

#include <pty.h>
#include <unistd.h>

extern "C" {
// The hooks, for the "does RTLD_NEXT lead back to us" check.
int socket(int, int, int) noexcept;
int connect(int, const sockaddr*, socklen_t);
int accept(int, sockaddr*, socklen_t*);
int accept4(int, sockaddr*, socklen_t*, int);
int listen(int, int) noexcept;
int setsockopt(int, int, int, const void*, socklen_t) noexcept;
int close(int);
int close_range(unsigned, unsigned, int) noexcept;
void closefrom(int) noexcept;
int dup2(int, int) noexcept;
int dup3(int, int, int) noexcept;
pid_t fork() noexcept;
int daemon(int, int) noexcept;
pid_t forkpty(int*, char*, const termios*, const winsize*) noexcept;
}

namespace kashim {

void* resolve_next(const char* name, void* own_hook) {
    void* symbol = next_definition(name);
    return symbol == own_hook ? nullptr : symbol;
}

__constinit RealFunction<int (*)(int, int, int)> real_socket{"socket", &::socket};
__constinit RealFunction<int (*)(int, const sockaddr*, socklen_t)> real_connect{"connect", &::connect};
__constinit RealFunction<int (*)(int, sockaddr*, socklen_t*)> real_accept{"accept", &::accept};
__constinit RealFunction<int (*)(int, sockaddr*, socklen_t*, int)> real_accept4{"accept4", &::accept4};
__constinit RealFunction<int (*)(int, int)> real_listen{"listen", &::listen};
__constinit RealFunction<int (*)(int, int, int, const void*, socklen_t)> real_setsockopt{"setsockopt", &::setsockopt};
__constinit RealFunction<int (*)(int)> real_close{"close", &::close};
__constinit RealFunction<int (*)(unsigned, unsigned, int)> real_close_range{"close_range", &::close_range};
__constinit RealFunction<void (*)(int)> real_closefrom{"closefrom", &::closefrom};
__constinit RealFunction<int (*)(int, int)> real_dup2{"dup2", &::dup2};
__constinit RealFunction<int (*)(int, int, int)> real_dup3{"dup3", &::dup3};
__constinit RealFunction<pid_t (*)()> real_fork{"fork", &::fork};
__constinit RealFunction<int (*)(int, int)> real_daemon{"daemon", &::daemon};
__constinit RealFunction<pid_t (*)(int*, char*, const termios*, const winsize*)> real_forkpty{"forkpty", &::forkpty};

}  // namespace kashim
