/* A test-only interposer placed after libkashim.so in LD_PRELOAD, so it sits between kashim (and
 * the program's own calls, which pass through kashim) and libc: setsockopt fails for the options
 * KASHIM_TEST_FAIL names, with the errno it names, as a kernel without TCP_USER_TIMEOUT or a
 * sandbox would. KASHIM_TEST_FAIL=TCP_USER_TIMEOUT:ENOPROTOOPT,TCP_KEEPCNT:EPERM */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

struct failure {
    int level, name, error;
};

static struct failure failures[8];
static int failure_count;

static const struct {
    const char* text;
    int level, name;
} options[] = {{"SO_KEEPALIVE", SOL_SOCKET, SO_KEEPALIVE},     {"TCP_KEEPIDLE", IPPROTO_TCP, TCP_KEEPIDLE},
               {"TCP_KEEPINTVL", IPPROTO_TCP, TCP_KEEPINTVL},  {"TCP_KEEPCNT", IPPROTO_TCP, TCP_KEEPCNT},
               {"TCP_USER_TIMEOUT", IPPROTO_TCP, TCP_USER_TIMEOUT}};

static const struct {
    const char* text;
    int value;
} errors[] = {{"ENOPROTOOPT", ENOPROTOOPT}, {"EPERM", EPERM}, {"EINVAL", EINVAL}, {"ENOMEM", ENOMEM}, {"EACCES", EACCES}};

__attribute__((constructor)) static void read_failures(void) {
    const char* spec = getenv("KASHIM_TEST_FAIL");
    char copy[256];
    if (spec == NULL || strlen(spec) >= sizeof copy) return;
    strcpy(copy, spec);
    for (char* save = NULL, *item = strtok_r(copy, ",", &save); item && failure_count < 8; item = strtok_r(NULL, ",", &save)) {
        char* colon = strchr(item, ':');
        if (colon == NULL) continue;
        *colon = '\0';
        for (size_t i = 0; i < sizeof options / sizeof options[0]; ++i) {
            if (strcmp(item, options[i].text) != 0) continue;
            for (size_t j = 0; j < sizeof errors / sizeof errors[0]; ++j)
                if (strcmp(colon + 1, errors[j].text) == 0)
                    failures[failure_count++] = (struct failure){options[i].level, options[i].name, errors[j].value};
        }
    }
}

__attribute__((visibility("default"))) int setsockopt(int fd, int level, int name, const void* value, socklen_t length) {
    for (int i = 0; i < failure_count; ++i) {
        if (failures[i].level == level && failures[i].name == name) {
            errno = failures[i].error;
            return -1;
        }
    }
    static int (*real)(int, int, int, const void*, socklen_t);
    if (real == NULL) real = (int (*)(int, int, int, const void*, socklen_t))dlsym(RTLD_NEXT, "setsockopt");
    return real(fd, level, name, value, length);
}
