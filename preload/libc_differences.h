// The two things kashim needs that glibc and musl provide differently, looked up at run time so
// one libkashim.so runs in both: a program kashim keeps from starting is the worst defect there is.
// Linking against glibc would bind `pthread_atfork` to glibc's private `__register_atfork` and an
// error's text to glibc's `strerrordesc_np`; musl has neither, and its loader refuses the library.
#pragma once

namespace kashim {

// Runs `handler` in every fork child, as pthread_atfork(nullptr, nullptr, handler) does. Called
// while loading: registering takes the C library's lock.
void run_in_fork_children(void (*handler)());

// The C library's untranslated text for `error`, without allocating: "Invalid argument". The
// function that gives it is looked up at the first call, without a lock (symbol_lookup.h).
const char* error_description(int error);

}  // namespace kashim
