// Stands for any unmodified program under kashim: it makes a connection over loopback (so every
// hook runs) and prints a known text. Whatever the operator wrote in kashim's settings, this
// output must come through byte for byte and the program must end normally.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdio>

int main() {
    std::printf("wrapped program: start\n");
    int listener = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t length = sizeof address;
    if (listener < 0 || bind(listener, reinterpret_cast<sockaddr*>(&address), length) != 0 || listen(listener, 4) != 0 ||
        getsockname(listener, reinterpret_cast<sockaddr*>(&address), &length) != 0) {
        std::perror("wrapped program: listener");
        return 1;
    }
    int client = socket(AF_INET, SOCK_STREAM, 0);
    if (connect(client, reinterpret_cast<sockaddr*>(&address), length) != 0) {
        std::perror("wrapped program: connect");
        return 1;
    }
    int accepted = accept(listener, nullptr, nullptr);
    if (accepted < 0 || write(client, "ping", 4) != 4) return 1;
    char reply[4];
    if (read(accepted, reply, sizeof reply) != 4) return 1;
    std::printf("wrapped program: connected and exchanged 4 bytes\n");
    for (int i = 0; i < 2000; ++i) std::printf("wrapped program: line %d of its own output\n", i);
    close(accepted);
    close(client);
    close(listener);
    std::printf("wrapped program: done\n");
    return 0;
}
