// socket(): every new TCP socket gets the operator's settings before the program sees it.
#include <sys/socket.h>

#include "hook.h"
#include "configure_socket.h"
#include "fd_registry.h"
#include "real_functions.h"

using namespace kashim;

KASHIM_HOOK int socket(int domain, int type, int protocol) noexcept {
    int fd = real_socket(domain, type, protocol);
    if (fd < 0) return fd;
    const Runtime* runtime = active_runtime("socket() called before kashim's constructor");
    if (runtime == nullptr) fd_registry.forget(fd);
    else if (is_tcp_socket_request(domain, type, protocol)) configure_tcp_socket(fd, *runtime, "socket", nullptr, 0);
    else fd_registry.set(fd, {FdKind::NotManaged, 0});
    return fd;
}
