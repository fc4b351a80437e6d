// What an executable's headers say about whether the dynamic loader, and so LD_PRELOAD, will
// ever see it: read from the ELF program and section headers, never by running it.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>

namespace kashim::cli {

struct ElfFacts {
    bool is_elf = false;
    bool has_interpreter = false;  // PT_INTERP: ld.so runs first; without it nothing is preloaded
    bool musl = false;             // that loader is musl's (ld-musl-*.so.1), as in Alpine's programs
    bool is_go = false;            // Go's runtime makes its own system calls, past libc's socket()
};

// Reads up to `length` bytes at `offset`; returns how many it read (fewer at the end of the file).
using ReadAt = std::function<size_t(uint64_t offset, void* out, size_t length)>;

// Native byte order only: an executable for another byte order cannot run here anyway.
ElfFacts read_elf_facts(const ReadAt& read);

// The interpreter of a "#!" script ("/bin/sh" for "#!/bin/sh -e"), or empty.
std::string script_interpreter(const ReadAt& read);

}  // namespace kashim::cli
