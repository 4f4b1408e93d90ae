// Allocator tuning: the one place Strata talks to glibc's malloc (see AllocatorTuning.swift).
#include "StrataKernels.h"

#if defined(__GLIBC__)
#include <malloc.h>
#endif

void strata_tune_allocator(void) {
#if defined(__GLIBC__)
  mallopt(M_MMAP_THRESHOLD, 32 << 20);
  mallopt(M_TRIM_THRESHOLD, 512 << 20);
#endif
}
