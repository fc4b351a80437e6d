/* Counts how many of a process's TCP sockets have an entry in a pinned socket-storage map: what
 * cgroup mode remembers per connection, which should be nothing for a connection it configured
 * with the global plan and whose program never set its own keepalive.
 *   socket_records MAP_PIN PID        prints "recorded R of T TCP sockets" */
#define _GNU_SOURCE
#include <bpf/bpf.h>
#include <dirent.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "bpf_settings.h"

static int is_tcp(int fd) {
    int protocol = 0;
    socklen_t length = sizeof protocol;
    struct stat facts;
    return fstat(fd, &facts) == 0 && S_ISSOCK(facts.st_mode) &&
           getsockopt(fd, SOL_SOCKET, SO_PROTOCOL, &protocol, &length) == 0 && protocol == IPPROTO_TCP;
}

int main(int argc, char** argv) {
    if (argc != 3) {
        fprintf(stderr, "usage: socket_records MAP_PIN PID\n");
        return 2;
    }
    int map = bpf_obj_get(argv[1]);
    int pidfd = (int)syscall(SYS_pidfd_open, atoi(argv[2]), 0);
    char directory[64];
    snprintf(directory, sizeof directory, "/proc/%s/fd", argv[2]);
    DIR* fds = opendir(directory);
    if (map < 0 || pidfd < 0 || !fds) {
        perror("opening the map, the process or its descriptors");
        return 3;
    }
    int recorded = 0, total = 0;
    for (struct dirent* entry; (entry = readdir(fds)) != NULL;) {
        if (entry->d_name[0] == '.') continue;
        int fd = (int)syscall(SYS_pidfd_getfd, pidfd, atoi(entry->d_name), 0);
        if (fd < 0) continue;
        if (is_tcp(fd)) {
            struct kashim_bpf_socket state;
            total++;
            if (bpf_map_lookup_elem(map, &fd, &state) == 0) {
                recorded++;
            } else if (errno != ENOENT) {
                perror("looking a socket up");
                return 3;
            }
        }
        close(fd);
    }
    printf("recorded %d of %d TCP sockets\n", recorded, total);
    return 0;
}
