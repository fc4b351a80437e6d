// Where dlsym would find a name, read straight from the loaded objects' dynamic symbol tables.
// dlsym is not async-signal-safe (glibc takes the loader's lock and may allocate), and a hook may
// run in a signal handler that interrupted either; this only reads memory. It follows the rules
// both dynamic loaders apply to a lookup without a version: a defined function or object,
// global or weak, in its default version (a hidden, non-default version is never returned).
// Two differences remain: objects opened with dlopen(RTLD_LOCAL) are searched too, and a walk can
// read an object another thread's dlclose is freeing. Neither is reached for a name the C library
// defines (it is never unloaded, and the walk ends there), which is every name the hooks need
// except close_range and closefrom before glibc 2.34 or on musl.
#pragma once

namespace kashim {

// The first definition of `name` in the objects loaded after the one this code is linked into,
// in load order: what dlsym(RTLD_NEXT, name) returns when called from it (from libkashim.so:
// another interposer preloaded after kashim, then usually the C library). Null when none has it.
void* next_definition(const char* name);

// The first definition in any loaded object, as dlsym(RTLD_DEFAULT, name) finds it.
void* first_definition(const char* name);

}  // namespace kashim
