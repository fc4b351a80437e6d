// For code that runs once, while a program starts: settings are read, plans built, functions
// resolved. GCC's cold attribute puts such functions together in .text.unlikely, so loading
// touches a few pages of the library's code instead of a page in every file's stretch of it
// (each page a start-up touches is a fault, paid by every process of a machine that preloads
// kashim). Only for functions that no hook calls on its common path.
#pragma once

#define KASHIM_LOAD_PATH __attribute__((section(".text.unlikely.kashim_load")))
