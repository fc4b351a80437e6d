/* Makes loopback TCP connections one after another until the file STOP exists (at most
 * SECONDS), then prints how many carried each (TCP_KEEPIDLE, TCP_KEEPINTVL) pair, one
 * "idle=I intvl=N count=C" line per pair: run in a group whose settings change meanwhile, it shows
 * whether any connection got half of each.
 *   plan_sampler STOP SECONDS */
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define MAX_PAIRS 64

static int option(int fd, int name) {
    int value = -1;
    socklen_t length = sizeof value;
    return getsockopt(fd, IPPROTO_TCP, name, &value, &length) == 0 ? value : -1;
}

int main(int argc, char** argv) {
    long seconds = argc == 3 ? strtol(argv[2], NULL, 10) : 0;
    if (seconds <= 0) {
        fprintf(stderr, "usage: plan_sampler STOP SECONDS\n");
        return 2;
    }
    const char* stop = argv[1];
    time_t until = time(NULL) + seconds;
    int listener = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in address = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    socklen_t length = sizeof address;
    if (listener < 0 || bind(listener, (struct sockaddr*)&address, sizeof address) != 0 || listen(listener, 64) != 0 ||
        getsockname(listener, (struct sockaddr*)&address, &length) != 0) {
        perror("listen");
        return 3;
    }
    struct {
        int idle, intvl;
        long count;
    } pairs[MAX_PAIRS];
    int pair_count = 0;
    for (long i = 0; time(NULL) < until && (i % 256 != 0 || access(stop, F_OK) != 0); ++i) {
        int client = socket(AF_INET, SOCK_STREAM, 0);
        if (client < 0 || connect(client, (struct sockaddr*)&address, sizeof address) != 0) {
            perror("connect");
            return 3;
        }
        int idle = option(client, TCP_KEEPIDLE), intvl = option(client, TCP_KEEPINTVL);
        int accepted = accept(listener, NULL, NULL);
        close(accepted);
        close(client);
        int at = 0;
        while (at < pair_count && (pairs[at].idle != idle || pairs[at].intvl != intvl)) ++at;
        if (at == pair_count) {
            if (pair_count == MAX_PAIRS) continue;
            pairs[pair_count++] = (typeof(pairs[0])){idle, intvl, 0};
        }
        ++pairs[at].count;
    }
    for (int at = 0; at < pair_count; ++at) printf("idle=%d intvl=%d count=%ld\n", pairs[at].idle, pairs[at].intvl, pairs[at].count);
    return 0;
}
