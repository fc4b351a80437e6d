/* A stand-in for a library the operator already preloads: it only says it was loaded, so a
 * test can tell that kashim kept it in LD_PRELOAD. */
#include <unistd.h>

__attribute__((constructor)) static void announce(void) {
    static const char line[] = "marker-preload: loaded\n";
    ssize_t ignored = write(STDERR_FILENO, line, sizeof line - 1);
    (void)ignored;
}
