// Reading the KA_* variables, and those of the preload libraries kashim replaces (its anchors).
// The caller supplies the lookup (variable_value over the environment in the shim, unless it runs
// setuid; a map in tests) so this stays free of process state.
#pragma once

#include "config.h"

namespace kashim {

// The anchors' names, so their users keep their deployment files when they switch.
constexpr std::string_view kLibdontdie = "libdontdie";
constexpr std::string_view kMsantosLibkeepalive = "msantos/libkeepalive";
constexpr std::string_view kBusattoLibkeepalive = "Busatto's libkeepalive";

// How an anchor's variable is read (each as its library documents it).
enum class AnchorUnit : uint8_t {
    KashimSyntax,   // Busatto's KEEPIDLE, KEEPINTVL, KEEPCNT: read as their KA_* name would be
    BusattoSwitch,  // KEEPALIVE: "off" disables; anything else is the default, on
    Seconds,        // whole seconds; 0 is the kernel's value
    Count,          // a count; 0 is the kernel's value
    Millis,         // msantos's TCP_USER_TIMEOUT: ms; 0 the kernel's value, -1 idle + intvl x cnt
    Switch,         // DD_USE_KEEPALIVE: 1 on, 0 off (as KA_ENABLE)
    AnyValueDebug,  // LIBKEEPALIVE_DEBUG: set to anything, even empty, asks for the debug log
    SwitchDebug,    // DD_DEBUG: 1 asks for the debug log, 0 does not
    NotKashims,     // an option kashim does not set: one line says so, unless it is 0 (the default)
    EveryCall,      // DD_EVAL_ENVIRONMENT_ONCE: 0 (read at every socket()) gets one line
};

struct AnchorVariable {
    std::string_view name;
    std::string_view anchor;
    // The setting it gives; for NotKashims and EveryCall, the setting the line points to instead.
    SettingId id;
    AnchorUnit unit;
};

// In precedence order: where two anchors name the same setting, the earlier one wins (and any
// KA_* variable wins over all of them). The more a name is one library's own, the surer it was
// written for a keepalive library: libdontdie's DD_ prefix, then tcp(7)'s option names that
// msantos/libkeepalive took (other tools read those too), then Busatto's bare KEEPIDLE.
inline constexpr AnchorVariable kAnchorVariables[] = {
    {"DD_USE_KEEPALIVE", kLibdontdie, SettingId::Enable, AnchorUnit::Switch},
    {"DD_TCP_KEEPALIVE_TIME", kLibdontdie, SettingId::Idle, AnchorUnit::Seconds},
    {"DD_TCP_KEEPALIVE_INTVL", kLibdontdie, SettingId::Intvl, AnchorUnit::Seconds},
    {"DD_TCP_KEEPALIVE_PROBES", kLibdontdie, SettingId::Cnt, AnchorUnit::Count},
    {"DD_DEBUG", kLibdontdie, SettingId::Log, AnchorUnit::SwitchDebug},
    {"DD_EVAL_ENVIRONMENT_ONCE", kLibdontdie, SettingId::Rules, AnchorUnit::EveryCall},
    {"TCP_KEEPIDLE", kMsantosLibkeepalive, SettingId::Idle, AnchorUnit::Seconds},
    {"TCP_KEEPINTVL", kMsantosLibkeepalive, SettingId::Intvl, AnchorUnit::Seconds},
    {"TCP_KEEPCNT", kMsantosLibkeepalive, SettingId::Cnt, AnchorUnit::Count},
    {"TCP_USER_TIMEOUT", kMsantosLibkeepalive, SettingId::UserTimeout, AnchorUnit::Millis},
    {"LIBKEEPALIVE_DEBUG", kMsantosLibkeepalive, SettingId::Log, AnchorUnit::AnyValueDebug},
    {"TCP_SYNCNT", kMsantosLibkeepalive, SettingId::Detect, AnchorUnit::NotKashims},
    {"TCP_MAXSEG", kMsantosLibkeepalive, SettingId::Detect, AnchorUnit::NotKashims},
    {"TCP_WINDOW_CLAMP", kMsantosLibkeepalive, SettingId::Detect, AnchorUnit::NotKashims},
    {"TCP_DEFER_ACCEPT", kMsantosLibkeepalive, SettingId::Detect, AnchorUnit::NotKashims},
    {"KEEPIDLE", kBusattoLibkeepalive, SettingId::Idle, AnchorUnit::KashimSyntax},
    {"KEEPINTVL", kBusattoLibkeepalive, SettingId::Intvl, AnchorUnit::KashimSyntax},
    {"KEEPCNT", kBusattoLibkeepalive, SettingId::Cnt, AnchorUnit::KashimSyntax},
    {"KEEPALIVE", kBusattoLibkeepalive, SettingId::Enable, AnchorUnit::BusattoSwitch},
};

// The anchor's variable of that name, or null.
const AnchorVariable* find_anchor_variable(std::string_view name);

// The KA_* name of a setting ("KA_IDLE").
std::string_view setting_env_name(SettingId id);

using EnvLookup = const char* (*)(void* context, const char* name);

// The value of `name` in an environ-style array (may be null), the first as getenv gives it; null
// when unset.
const char* variable_value(const char* const* environment, std::string_view name);

// Applies every KA_* variable that `lookup` finds, and where one is unset (or its value is bad),
// the first anchor's variable for the same setting in kAnchorVariables' order. `environment` (may be null) is scanned for
// KA_* names nobody knows, each reported once with the nearest known name.
void load_environment(Config& config, EnvLookup lookup, void* context,
                      const char* const* environment, LoadReport& report);

// What kashim needs of the process's environment as it was at exec, read there in one pass: its
// variables (KA_* ones, even misspelt, and the anchors') copied, since the settings are loaded at
// the first socket call, by when the program may have changed its environment (reading environ
// then would race with its setenv) or written over it (setproctitle).
struct KashimVariables {
    static constexpr size_t kMaxCount = 32;
    const char* entries[kMaxCount + 1] = {};  // environ-style "NAME=value" in `text`, null-terminated
    char text[2048] = {};
    size_t count = 0;
    size_t text_used = 0;
    // False when they did not all fit: the environment must then be read before the program runs.
    bool complete = true;
    // A setting, or libkashim in LD_PRELOAD. A program that did not ask (kashim reached it
    // through /etc/ld.so.preload) must never hear from kashim on its own stderr. A debug variable
    // alone (DD_DEBUG, LIBKEEPALIVE_DEBUG) does not ask: others' tools may read such names too.
    bool asked = false;

    KashimVariables() = default;
    KashimVariables(const KashimVariables&) = delete;  // `entries` point into its own `text`
    KashimVariables& operator=(const KashimVariables&) = delete;
};

// Every process pays this at exec on a machine that preloads kashim, so for an environment without
// kashim's variables it calls no C library function and reads no table: each page of code or
// constants a start touches is a page fault.
void keep_kashim_variables(const char* const* environment, KashimVariables& kept);

}  // namespace kashim
