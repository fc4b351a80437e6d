// An error's text for kashim's log lines, the same in glibc and musl programs: glibc's
// `strerrordesc_np`, looked up at first use (a strong import would make musl's loader refuse
// the library, and glibc's strerror may translate and allocate), else musl's strerror.
#pragma once

namespace kashim {

// The C library's untranslated text for `error`, without allocating: "Invalid argument". The
// function that gives it is looked up at the first call, without a lock (symbol_lookup.h).
const char* error_description(int error);

}  // namespace kashim
