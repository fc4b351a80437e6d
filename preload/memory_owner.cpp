#include "memory_owner.h"

#include "../core/load_path.h"
#include "../log/written_at_load.h"
#include "libc_differences.h"
#include "system_calls.h"

#include <atomic>

namespace kashim {
namespace {

KASHIM_WRITTEN_AT_LOAD __constinit std::atomic<pid_t> g_owner{0};  // 0: nobody has asked yet
KASHIM_WRITTEN_AT_LOAD __constinit std::atomic<bool> g_fork_handler_takes_over{false};

void take_over_in_fork_child() { g_owner.store(current_process_id(), std::memory_order_relaxed); }

}  // namespace

KASHIM_LOAD_PATH void record_memory_owner() {
    // Where the kernel tells how a process was made, the first call that asks records its process.
    if (thread_id_address() == ThreadIdAddress::Set) return;
    g_owner.store(current_process_id(), std::memory_order_relaxed);
    g_fork_handler_takes_over.store(true, std::memory_order_relaxed);
    run_in_fork_children(take_over_in_fork_child);
}

bool memory_is_this_process() {
    pid_t me = current_process_id();
    pid_t owner = g_owner.load(std::memory_order_relaxed);
    if (owner == me) return true;
    if (!g_fork_handler_takes_over.load(std::memory_order_relaxed)) {
        ThreadIdAddress address = thread_id_address();
        // The first to ask, or a fork child: any of its threads may be first, all find one owner.
        if (address == ThreadIdAddress::Set) {
            g_owner.compare_exchange_strong(owner, me, std::memory_order_relaxed);
            return true;
        }
        if (address == ThreadIdAddress::None) return false;  // a vfork or posix_spawn child
    }
    return owner == 0;  // nothing recorded yet: a hook before the constructor, in this process
}

}  // namespace kashim
