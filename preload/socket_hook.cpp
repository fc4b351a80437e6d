// socket(): every new TCP socket gets the operator's settings before the program sees it; with
// rules, it is only marked, and its connect(), listen() or accept() decides.
#include <sys/socket.h>

#include "hook.h"
#include "configure_socket.h"
#include "real_functions.h"

using namespace kashim;

KASHIM_HOOK int socket(int domain, int type, int protocol) noexcept {
    int fd = real_socket(domain, type, protocol);
    if (fd < 0) return fd;
    const Runtime* runtime = active_runtime("socket()");
    if (runtime == nullptr) fd_registry.forget(fd);
    else if (!is_tcp_socket_request(domain, type, protocol)) fd_registry.set(fd, {FdKind::NotManaged, 0});
    else if (runtime->needs.any) fd_registry.set(fd, {FdKind::Pending, 0});
    else configure_connection(fd, {}, *runtime, {Direction::Out, nullptr, 0, 0}, "socket");
    return fd;
}
