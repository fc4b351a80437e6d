// A stand-in for libkashim.so in the lookup test: the same symbol_lookup.cpp, linked into a library
// preloaded between two interposers, compared from there with what the loader's dlsym says.
#include <dlfcn.h>
#include <stdio.h>

#include "../../../preload/symbol_lookup.h"

namespace {

// kashim's hooks, the function it looks up for errors' text, names no object defines, and the vDSO's.
const char* const kNames[] = {"socket", "connect", "accept", "accept4", "listen", "setsockopt", "close",
                              "close_range", "closefrom", "dup2", "dup3", "fork", "daemon", "forkpty",
                              "strerrordesc_np", "environ", "kashim_no_such_symbol",
                              // The vDSO defines these, but dlsym never looks there.
                              "clock_gettime", "__vdso_clock_gettime", "__kernel_clock_gettime"};

}  // namespace

// The number of names whose two lookups differ from dlsym's, each reported on stderr.
extern "C" __attribute__((visibility("default"))) int kashim_lookup_mismatches() {
    int mismatches = 0;
    for (const char* name : kNames) {
        void* next = kashim::next_definition(name);
        void* next_by_dlsym = dlsym(RTLD_NEXT, name);
        void* first = kashim::first_definition(name);
        void* first_by_dlsym = dlsym(RTLD_DEFAULT, name);
        bool same = next == next_by_dlsym && first == first_by_dlsym;
        fprintf(stderr, "%-22s next %14p (dlsym %14p)  first %14p (dlsym %14p)%s\n", name, next, next_by_dlsym, first,
                first_by_dlsym, same ? "" : "  DIFFERENT");
        mismatches += !same;
    }
    return mismatches;
}

// The control: what the next "dup2" and "dup3" are, called, so the test sees the stack it built.
extern "C" __attribute__((visibility("default"))) int kashim_next_dup2_says() {
    auto dup2_after_this = reinterpret_cast<int (*)(int, int)>(kashim::next_definition("dup2"));
    return dup2_after_this != nullptr ? dup2_after_this(-1, -1) : 0;
}
extern "C" __attribute__((visibility("default"))) int kashim_next_dup3_says() {
    auto dup3_after_this = reinterpret_cast<int (*)(int, int, int)>(kashim::next_definition("dup3"));
    return dup3_after_this != nullptr ? dup3_after_this(-1, -1, 0) : 0;
}
