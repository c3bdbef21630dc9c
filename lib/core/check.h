// HPO_CHECK: for broken invariants (our bugs), never for user input.
#pragma once

#include <cstdio>
#include <cstdlib>

#define HPO_CHECK(cond, msg)                                                                    \
  do {                                                                                          \
    if (!(cond)) {                                                                              \
      std::fprintf(stderr, "internal error: %s:%d: check failed: %s: %s\n", __FILE__, __LINE__, \
                   #cond, msg);                                                                 \
      std::abort();                                                                             \
    }                                                                                           \
  } while (0)
