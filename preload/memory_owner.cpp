#include "memory_owner.h"

#include "../core/load_path.h"
#include "../log/written_at_load.h"
#include "system_calls.h"

#include <atomic>

namespace kashim {
namespace {

KASHIM_WRITTEN_AT_LOAD __constinit std::atomic<pid_t> g_owner{0};  // 0: not recorded yet, take it as this process

}  // namespace

KASHIM_LOAD_PATH void take_memory_over() { g_owner.store(current_process_id(), std::memory_order_relaxed); }

bool memory_is_this_process() {
    pid_t owner = g_owner.load(std::memory_order_relaxed);
    return owner == 0 || owner == current_process_id();
}

}  // namespace kashim
