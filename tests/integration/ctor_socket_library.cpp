// A library whose constructor makes a TCP socket: another library's constructor may call socket()
// before kashim's own constructor has run, and that socket must be configured all the same.
#include <sys/socket.h>

extern "C" {
__attribute__((visibility("default"))) int socket_made_in_constructor = -1;
}

__attribute__((constructor)) static void make_socket_early() {
    socket_made_in_constructor = socket(AF_INET, SOCK_STREAM, 0);
}
