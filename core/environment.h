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

// What the process's own environment says of kashim, read in one pass at exec.
struct KashimInEnvironment {
    // A KA_* or libkeepalive variable, even a misspelt one. Such a process is configured, and
    // told of its mistakes, as it starts; one without reads the config file when it first needs it.
    bool settings = false;
    // A setting, or libkashim in LD_PRELOAD. A program that did not ask (kashim reached it
    // through /etc/ld.so.preload) must never hear from kashim on its own stderr.
    bool asked = false;
};
KashimInEnvironment read_kashim_in_environment(const char* const* environment);

}  // namespace kashim
