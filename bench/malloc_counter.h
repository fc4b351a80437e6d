// A shared library that interposes every allocation entry point of the C library and counts the
// calls. A program linked with it sees every allocation made in the process, by itself, by libc
// on its behalf, and by any preloaded library, since all of them reach malloc through the
// dynamic linker's lookup, which finds this library before libc.
#pragma once

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

// Allocations (malloc, calloc, realloc, posix_memalign, ...) since the process started.
uint64_t malloc_counter_allocations(void);

#ifdef __cplusplus
}
#endif
