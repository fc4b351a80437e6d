#include "fd_registry.h"

namespace kashim {

// Zero-initialised static storage: every number starts Unknown, and untouched pages cost nothing.
__constinit FdRegistry fd_registry;

}  // namespace kashim
