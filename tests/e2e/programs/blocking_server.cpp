// An ordinary server that knows nothing of kashim: accepts one connection, then waits for a
// request that never comes, and closes the connection as it gives up. Exit 1 with the error when
// the connection fails, 2 if the client ever sends or closes.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>

namespace {

int fail(const char* call) {
    fprintf(stderr, "%s: %s\n", call, strerror(errno));
    return 1;
}

}  // namespace

int main(int argc, char** argv) {
    if (argc != 3) {
        fprintf(stderr, "usage: %s HOST PORT\n", argv[0]);
        return 64;
    }
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(static_cast<uint16_t>(atoi(argv[2])));
    if (inet_pton(AF_INET, argv[1], &address.sin_addr) != 1) {
        fprintf(stderr, "not an IPv4 address: %s\n", argv[1]);
        return 64;
    }
    int listener = socket(AF_INET, SOCK_STREAM, 0);
    if (listener < 0) return fail("socket");
    int on = 1;
    setsockopt(listener, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on);
    if (bind(listener, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) return fail("bind");
    if (listen(listener, 1) != 0) return fail("listen");

    int connection = accept(listener, nullptr, nullptr);
    if (connection < 0) return fail("accept");
    char request;
    ssize_t got = recv(connection, &request, 1, 0);
    int error = errno;
    close(connection);
    errno = error;
    if (got < 0) return fail("recv");
    fprintf(stderr, "recv returned %zd: the client %s\n", got, got == 0 ? "closed the connection" : "sent data");
    return 2;
}
