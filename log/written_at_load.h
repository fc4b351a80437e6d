// Placement for the small globals every load writes. Zero-initialised ones would land in .bss,
// spread over the pages after the library's large tables, and each page a program's start writes
// is a page fault it pays, in every process of a machine that preloads kashim. Kept in .data they
// share the pages the load writes anyway (measured: a trivial program's start-up faults).
#pragma once

#define KASHIM_WRITTEN_AT_LOAD __attribute__((section(".data")))
