#include "memory_owner.h"

#include "../core/load_path.h"
#include "../log/written_at_load.h"
#include "libc_differences.h"
#include "system_calls.h"

#include <atomic>

namespace kashim {
namespace {

KASHIM_WRITTEN_AT_LOAD __constinit std::atomic<pid_t> g_owner{0};  // 0: not recorded yet, take it as this process
KASHIM_WRITTEN_AT_LOAD __constinit std::atomic<bool> g_fork_handler_takes_over{false};

void take_over_in_fork_child() { g_owner.store(current_process_id(), std::memory_order_relaxed); }

}  // namespace

KASHIM_LOAD_PATH void record_memory_owner() {
    g_owner.store(current_process_id(), std::memory_order_relaxed);
    if (thread_id_address() == ThreadIdAddress::Set) return;
    g_fork_handler_takes_over.store(true, std::memory_order_relaxed);
    run_in_fork_children(take_over_in_fork_child);
}

bool memory_is_this_process() {
    pid_t me = current_process_id();
    pid_t owner = g_owner.load(std::memory_order_relaxed);
    if (owner == 0 || owner == me) return true;
    // Another process's memory: a vfork child's, or a fork child's that has not asked yet.
    if (g_fork_handler_takes_over.load(std::memory_order_relaxed) || thread_id_address() != ThreadIdAddress::Set)
        return false;
    // Any thread of this fork child may be the first to ask; all of them find the same owner.
    g_owner.compare_exchange_strong(owner, me, std::memory_order_relaxed);
    return true;
}

}  // namespace kashim
