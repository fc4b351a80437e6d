#include "fd_registry.h"

#include <sys/mman.h>

#include "../log/written_at_load.h"
#include "system_calls.h"

namespace kashim {

KASHIM_WRITTEN_AT_LOAD __constinit FdRegistry fd_registry;

std::atomic<uint16_t>* FdRegistry::mapped_states() {
    std::atomic<uint16_t>* states = states_.load(std::memory_order_acquire);
    if (states != nullptr) return states;
    // Zero-filled, so every number starts Unknown, and untouched pages cost nothing. Not in huge
    // pages: one would be two megabytes of zeroes written, and kept, for a few sockets.
    size_t size = sizeof(std::atomic<uint16_t>) * kCapacity;
    long mapped = raw_system_call(SYS_mmap, 0, static_cast<long>(size), PROT_READ | PROT_WRITE,
                                  MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (mapped < 0 && mapped > -4096) return nullptr;
    raw_system_call(SYS_madvise, mapped, static_cast<long>(size), MADV_NOHUGEPAGE);
    auto* fresh = reinterpret_cast<std::atomic<uint16_t>*>(mapped);
    // Another thread, or a signal handler, may have mapped them meanwhile: theirs stand.
    if (states_.compare_exchange_strong(states, fresh, std::memory_order_acq_rel)) return fresh;
    raw_system_call(SYS_munmap, mapped, static_cast<long>(size));
    return states;
}

}  // namespace kashim
