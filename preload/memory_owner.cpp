#include "memory_owner.h"

#include "../core/load_path.h"
#include "../log/written_at_load.h"
#include "system_calls.h"

#include <atomic>
#include <cstdint>
#include <new>

namespace kashim {
namespace {

KASHIM_WRITTEN_AT_LOAD __constinit std::atomic<pid_t> g_owner{0};  // 0: not recorded yet, take it as this process

using ForkMark = std::atomic<uint32_t>;  // 1 in the owner's page; 0 in a fork child's fresh one
constexpr size_t kForkMarkPage = 4096;   // the kernel rounds it up to its page
KASHIM_WRITTEN_AT_LOAD __constinit std::atomic<ForkMark*> g_fork_mark{nullptr};

}  // namespace

KASHIM_LOAD_PATH void take_memory_over() {
    g_owner.store(current_process_id(), std::memory_order_relaxed);
    if (ForkMark* mark = g_fork_mark.load(std::memory_order_acquire)) mark->store(1, std::memory_order_relaxed);
}

void mark_fork_children() {
    if (g_fork_mark.load(std::memory_order_acquire) != nullptr) return;
    void* page = map_zeroes(kForkMarkPage);
    if (page == nullptr) return;
    if (raw_system_call(SYS_madvise, reinterpret_cast<long>(page), kForkMarkPage, MADV_WIPEONFORK) != 0) {
        unmap(page, kForkMarkPage);
        return;
    }
    auto* mark = new (page) ForkMark{1};
    ForkMark* none = nullptr;
    if (!g_fork_mark.compare_exchange_strong(none, mark, std::memory_order_acq_rel)) unmap(page, kForkMarkPage);
}

MemoryOwner memory_owner() {
    pid_t owner = g_owner.load(std::memory_order_relaxed);
    if (owner == 0 || owner == current_process_id()) return MemoryOwner::ThisProcess;
    ForkMark* mark = g_fork_mark.load(std::memory_order_acquire);
    if (mark != nullptr && mark->load(std::memory_order_relaxed) == 0) return MemoryOwner::ThisForkChild;
    return MemoryOwner::AnotherProcess;
}

}  // namespace kashim
