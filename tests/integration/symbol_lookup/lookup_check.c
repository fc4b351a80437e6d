/* Run with the lookup probe preloaded between interposers: the probe's lock-free lookups must
 * give dlsym's answer for every name, and the next dup2 (and dup3, where given) must be the
 * interposer's after it, which a lookup that skipped the stack would miss.
 * Usage: lookup_check EXPECTED_DUP2 [EXPECTED_DUP3] */
#include <stdio.h>
#include <stdlib.h>

int kashim_lookup_mismatches(void) __attribute__((weak));
int kashim_next_dup2_says(void) __attribute__((weak));
int kashim_next_dup3_says(void) __attribute__((weak));

int main(int argc, char** argv) {
    if (argc < 2 || kashim_lookup_mismatches == NULL) {
        fprintf(stderr, "usage: LD_PRELOAD='BEFORE PROBE AFTER' %s EXPECTED_DUP2 [EXPECTED_DUP3]\n", argv[0]);
        return 2;
    }
    int failures = kashim_lookup_mismatches();
    int dup2_says = kashim_next_dup2_says();
    if (dup2_says != atoi(argv[1])) {
        fprintf(stderr, "the next dup2 gave %d, not the interposer after the probe's %s\n", dup2_says, argv[1]);
        ++failures;
    }
    if (argc > 2 && kashim_next_dup3_says() != atoi(argv[2])) {
        fprintf(stderr, "the next dup3 gave %d, not the indirect function's %s\n", kashim_next_dup3_says(), argv[2]);
        ++failures;
    }
    if (failures == 0) printf("every lookup matched dlsym\n");
    return failures == 0 ? 0 : 1;
}
