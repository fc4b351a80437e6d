// Placement for the small globals every start or load writes. Kept in .data they share its one
// page, which the loader's relocations write anyway, and each page a program's start writes is a
// page fault it pays, in every process of a machine that preloads kashim (measured: a trivial
// program's start-up faults). The library check fails a .bss that runs past that page.
#pragma once

#define KASHIM_WRITTEN_AT_LOAD __attribute__((section(".data")))
