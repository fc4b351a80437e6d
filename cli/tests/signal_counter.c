/* Counts the SIGINT and SIGTERM it receives, as a program with its own handlers does (a second
 * Ctrl-C often means "quit now"). Writes "ready" to the file READY once its handlers are in place,
 * ends 300 ms after its first SIGTERM (time for a duplicate to arrive) printing "int=N term=M"
 * and exiting with status 3; with --die, it then kills itself with SIGUSR1 instead.
 *   signal_counter READY [--die] */
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static volatile sig_atomic_t interrupts, terminations;

static void count(int signal_number) {
    if (signal_number == SIGINT) ++interrupts;
    else ++terminations;
}

int main(int argc, char** argv) {
    if (argc < 2) {
        fprintf(stderr, "usage: signal_counter READY [--die]\n");
        return 2;
    }
    struct sigaction action;
    memset(&action, 0, sizeof action);
    action.sa_handler = count;
    sigaction(SIGINT, &action, NULL);
    sigaction(SIGTERM, &action, NULL);
    FILE* ready = fopen(argv[1], "w");
    if (ready == NULL || fputs("ready\n", ready) < 0 || fclose(ready) != 0) return 4;
    while (terminations == 0) pause();
    struct timespec settle = {0, 300 * 1000 * 1000};
    while (nanosleep(&settle, &settle) != 0) continue;
    printf("int=%d term=%d\n", (int)interrupts, (int)terminations);
    fflush(stdout);
    if (argc > 2 && strcmp(argv[2], "--die") == 0) {
        signal(SIGUSR1, SIG_DFL);
        raise(SIGUSR1);
    }
    return 3;
}
