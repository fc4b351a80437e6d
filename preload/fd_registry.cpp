#include "fd_registry.h"

#include "../log/written_at_load.h"

namespace kashim {

// Zero-initialised static storage: every number starts Unknown, and untouched pages cost nothing.
__constinit std::atomic<uint16_t> FdRegistry::states_[FdRegistry::kCapacity] = {};
KASHIM_WRITTEN_AT_LOAD __constinit FdRegistry fd_registry;

}  // namespace kashim
