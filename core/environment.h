// Reading the KA_* variables. The caller supplies the lookup (secure_getenv in the shim, a map
// in tests) so this stays free of process state.
#pragma once

#include "config.h"

namespace kashim {

using EnvLookup = const char* (*)(void* context, const char* name);

// Applies every KA_* variable that `lookup` finds. `environment` (may be null) is scanned for
// KA_* names nobody knows, each reported once with the nearest known name.
void load_environment(Config& config, EnvLookup lookup, void* context,
                      const char* const* environment, LoadReport& report);

}  // namespace kashim
