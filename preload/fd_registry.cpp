#include "fd_registry.h"

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
    void* mapped = map_zeroes(size);
    if (mapped == nullptr) return nullptr;
    raw_system_call(SYS_madvise, reinterpret_cast<long>(mapped), static_cast<long>(size), MADV_NOHUGEPAGE);
    auto* fresh = static_cast<std::atomic<uint16_t>*>(mapped);
    // Another thread, or a signal handler, may have mapped them meanwhile: theirs stand.
    if (states_.compare_exchange_strong(states, fresh, std::memory_order_acq_rel)) return fresh;
    unmap(mapped, size);
    return states;
}

}  // namespace kashim
