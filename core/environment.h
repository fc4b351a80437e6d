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

// Whether the environment holds a setting for kashim: a KA_* or libkeepalive variable, even a
// misspelt one. Such a process is configured, and told of its mistakes, as it starts; one without
// reads the config file only when it first needs it.
bool environment_sets_kashim(const char* const* environment);

// Whether the process's own environment asked for kashim: a KA_* or libkeepalive variable, or
// libkashim in LD_PRELOAD. A program that did not (kashim reached it through /etc/ld.so.preload)
// must never hear from kashim on its own stderr.
bool environment_asks_for_kashim(const char* const* environment);

}  // namespace kashim
