// The program whose start-up the benchmark times: it does nothing, so what is measured is exec,
// the dynamic loader and whatever a preloaded library does while loading. C and libc only, like
// the smallest programs kashim is preloaded into, so a shim that dragged in another library
// (libstdc++, libgcc_s) would show.
//
// With --print-loaded-objects it lists the shared objects in the process instead, one basename
// a line, after a socket() call so that anything a hook loaded on first use is listed too.
#define _GNU_SOURCE
#include <link.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static int print_basename(struct dl_phdr_info* object, size_t size, void* unused) {
    (void)size, (void)unused;
    const char* name = object->dlpi_name;
    if (name != NULL && name[0] != '\0') {
        const char* slash = strrchr(name, '/');
        puts(slash != NULL ? slash + 1 : name);
    }
    return 0;
}

int main(int argc, char** argv) {
    if (argc == 2 && strcmp(argv[1], "--print-loaded-objects") == 0) {
        int fd = socket(AF_INET, SOCK_STREAM, 0);
        if (fd >= 0) close(fd);
        dl_iterate_phdr(print_basename, NULL);
    }
    return 0;
}
