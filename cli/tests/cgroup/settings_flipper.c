/* The control of the torn-settings test: rewrites a pinned settings map in place, as a kashim
 * that updated its map while its programs read it would, alternating the two values it finds in
 * two other pinned settings maps, as fast as it can for SECONDS.
 *   settings_flipper MAP_PIN FIRST_PIN SECOND_PIN SECONDS */
#include <bpf/bpf.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include "bpf_settings.h"

static int read_pinned(const char* pin, struct kashim_bpf_settings* settings) {
    int map = bpf_obj_get(pin);
    __u32 key = 0;
    int result = map >= 0 ? bpf_map_lookup_elem(map, &key, settings) : -1;
    if (map >= 0) close(map);
    return result;
}

int main(int argc, char** argv) {
    if (argc != 5) {
        fprintf(stderr, "usage: settings_flipper MAP_PIN FIRST_PIN SECOND_PIN SECONDS\n");
        return 2;
    }
    static struct kashim_bpf_settings values[2];
    if (read_pinned(argv[2], &values[0]) != 0 || read_pinned(argv[3], &values[1]) != 0) {
        perror("reading the two settings");
        return 3;
    }
    int map = bpf_obj_get(argv[1]);
    if (map < 0) {
        perror(argv[1]);
        return 3;
    }
    time_t until = time(NULL) + atoi(argv[4]);
    long writes = 0;
    __u32 key = 0;
    while (time(NULL) < until)
        if (bpf_map_update_elem(map, &key, &values[writes++ & 1], BPF_ANY) != 0) {
            perror("bpf_map_update_elem");
            return 3;
        }
    printf("writes=%ld\n", writes);
    return 0;
}
