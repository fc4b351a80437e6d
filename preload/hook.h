// Marks a function as one of libkashim.so's exported hooks; everything else stays hidden.
#pragma once

#define KASHIM_HOOK extern "C" __attribute__((visibility("default")))
