/* An ordinary client that knows nothing of kashim: connects, then waits for a reply that never
 * comes, and closes its socket as it gives up, as programs do. With --write-on-sigusr1 it sends a
 * request when told to (after the harness has cut the peer off), so the connection has data in
 * flight and only the retransmission timer runs. With --close-on-sigusr1 it closes the healthy
 * connection when told to and exits 0. With --replace-with-dup2 it lets go of its socket by
 * dup2()ing /dev/null over it instead of closing it.
 * With --fork the connection is made by a child process, and the program exits with the child's
 * status: a multi-process target, as a supervisor that follows descendants must handle.
 * Exit 1 with the error when the connection fails, 2 if the peer ever answers or closes.
 * C, so the one source builds dynamically against glibc, statically, and against musl. */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

static int fail(const char* call) {
    fprintf(stderr, "%s: %s\n", call, strerror(errno));
    return 1;
}

static int replace_with_dup2;

/* Lets go of the socket, keeping the errno of the call that failed. */
static void close_keeping_errno(int fd) {
    int error = errno;
    if (replace_with_dup2) {
        int null = open("/dev/null", O_RDONLY);
        dup2(null, fd);
        close(null);
    } else {
        close(fd);
    }
    errno = error;
}

int main(int argc, char** argv) {
    const char* mode = argc == 4 ? argv[3] : "";
    int write_on_signal = strcmp(mode, "--write-on-sigusr1") == 0;
    int close_on_signal = strcmp(mode, "--close-on-sigusr1") == 0;
    int in_child = strcmp(mode, "--fork") == 0;
    replace_with_dup2 = strcmp(mode, "--replace-with-dup2") == 0;
    if (argc != 3 && !write_on_signal && !close_on_signal && !in_child && !replace_with_dup2) {
        fprintf(stderr, "usage: %s HOST PORT [--write-on-sigusr1 | --close-on-sigusr1 | --fork | --replace-with-dup2]\n",
                argv[0]);
        return 64;
    }
    if (in_child) {
        pid_t child = fork();
        if (child < 0) return fail("fork");
        if (child > 0) {
            int status = 0;
            waitpid(child, &status, 0);
            return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
        }
    }
    /* Blocked before anything else, so a signal sent early waits for sigwait instead of killing. */
    sigset_t usr1;
    sigemptyset(&usr1);
    sigaddset(&usr1, SIGUSR1);
    sigprocmask(SIG_BLOCK, &usr1, NULL);

    struct sockaddr_in address;
    memset(&address, 0, sizeof address);
    address.sin_family = AF_INET;
    address.sin_port = htons((uint16_t)atoi(argv[2]));
    if (inet_pton(AF_INET, argv[1], &address.sin_addr) != 1) {
        fprintf(stderr, "not an IPv4 address: %s\n", argv[1]);
        return 64;
    }
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0) return fail("socket");
    if (connect(fd, (struct sockaddr*)&address, sizeof address) != 0) {
        close_keeping_errno(fd);
        return fail("connect");
    }

    if (write_on_signal || close_on_signal) {
        int signal_number = 0;
        sigwait(&usr1, &signal_number);
    }
    if (close_on_signal) return close(fd) == 0 ? 0 : fail("close");
    if (write_on_signal) {
        static const char request[4096] = "request";
        if (write(fd, request, sizeof request) < 0) {
            close_keeping_errno(fd);
            return fail("write");
        }
    }
    char reply;
    ssize_t got = recv(fd, &reply, 1, 0);
    close_keeping_errno(fd);
    if (got < 0) return fail("recv");
    fprintf(stderr, "recv returned %zd: the peer %s\n", got, got == 0 ? "closed the connection" : "answered");
    return 2;
}
