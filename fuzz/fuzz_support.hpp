// What the fuzz targets share: a check that stops the run (and makes libFuzzer keep the
// input) when a property of the code under test does not hold.
#pragma once

#include <cstdio>
#include <cstdlib>

#define SIAGA_FUZZ_ASSERT(cond)                                                        \
  do {                                                                                 \
    if (!(cond)) {                                                                     \
      std::fprintf(stderr, "%s:%d: property failed: %s\n", __FILE__, __LINE__, #cond); \
      std::abort();                                                                    \
    }                                                                                  \
  } while (0)

