#include "malloc_counter.h"

#include <errno.h>
#include <stdatomic.h>
#include <stddef.h>

// glibc's own implementations, exported for exactly this use: forwarding to them needs no
// dlsym, which could itself allocate and recurse.
extern void* __libc_malloc(size_t size);
extern void* __libc_calloc(size_t count, size_t size);
extern void* __libc_realloc(void* block, size_t size);
extern void* __libc_memalign(size_t alignment, size_t size);
extern void* __libc_valloc(size_t size);
extern void* __libc_pvalloc(size_t size);
extern void __libc_free(void* block);

static atomic_uint_fast64_t allocations;

static void count(void) { atomic_fetch_add_explicit(&allocations, 1, memory_order_relaxed); }

uint64_t malloc_counter_allocations(void) { return atomic_load_explicit(&allocations, memory_order_relaxed); }

void* malloc(size_t size) {
    count();
    return __libc_malloc(size);
}

void* calloc(size_t count_of, size_t size) {
    count();
    return __libc_calloc(count_of, size);
}

void* realloc(void* block, size_t size) {
    count();
    return __libc_realloc(block, size);
}

void* reallocarray(void* block, size_t count_of, size_t size) {
    count();
    size_t total;
    if (__builtin_mul_overflow(count_of, size, &total)) {
        errno = ENOMEM;
        return NULL;
    }
    return __libc_realloc(block, total);
}

void* memalign(size_t alignment, size_t size) {
    count();
    return __libc_memalign(alignment, size);
}

void* aligned_alloc(size_t alignment, size_t size) {
    count();
    return __libc_memalign(alignment, size);
}

int posix_memalign(void** result, size_t alignment, size_t size) {
    count();
    if (alignment % sizeof(void*) != 0 || (alignment & (alignment - 1)) != 0) return EINVAL;
    void* block = __libc_memalign(alignment, size);
    if (block == NULL) return ENOMEM;
    *result = block;
    return 0;
}

void* valloc(size_t size) {
    count();
    return __libc_valloc(size);
}

void* pvalloc(size_t size) {
    count();
    return __libc_pvalloc(size);
}

void free(void* block) { __libc_free(block); }
