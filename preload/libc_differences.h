// The two things kashim needs that glibc and musl provide differently, found so that one
// libkashim.so runs in both: a program kashim keeps from starting is the worst defect there is.
// glibc registers a fork handler through its private `__register_atfork`, musl through
// `pthread_atfork` (weak imports, the one the C library lacks left null); an error's text comes
// from glibc's `strerrordesc_np`, looked up at first use. A strong import of either of glibc's
// would make musl's loader refuse the library.
#pragma once

namespace kashim {

// Runs `handler` in every fork child, as pthread_atfork(nullptr, nullptr, handler) does. Called
// while preparing (runtime.cpp), never from a hook: registering takes the C library's lock.
void run_in_fork_children(void (*handler)());

// The C library's untranslated text for `error`, without allocating: "Invalid argument". The
// function that gives it is looked up at the first call, without a lock (symbol_lookup.h).
const char* error_description(int error);

}  // namespace kashim
