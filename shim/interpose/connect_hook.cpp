// connect(): catches TCP sockets made where socket() could not be seen (inherited, raw syscall,
// libc-internal) before their first packet. Sockets already known cost nothing here.
#include <sys/socket.h>

#include "hook.h"
#include "../core/socket_plan.h"
#include "configure_socket.h"
#include "real_functions.h"

using namespace kashim;

KASHIM_HOOK int connect(int fd, const sockaddr* address, socklen_t length) {
    if (address != nullptr && length >= sizeof(sa_family_t) && is_inet_family(address->sa_family)) {
        if (const Runtime* runtime = active_runtime("connect() called before kashim's constructor"))
            configure_if_unknown(fd, *runtime, "connect to", address, length);
    }
    return real_connect(fd, address, length);
}
