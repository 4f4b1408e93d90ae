// Compiles one loop body for several instruction sets and picks one at run time.
//
// STRATA_MULTIVERSION(name, (parameters), (arguments)) expects an always-inline function
// `name_body(arguments)` and defines `name_dispatch(parameters)`, which calls a copy of the body
// compiled for AVX-512, for AVX2 + FMA or for the baseline CPU, following the GEMM kernel
// choice (`strata_gemm_best_kernel`, so `STRATA_GEMM_KERNEL` also steers these). Files that
// use it turn FP contraction off, so the copies round alike and give the same bits.
#ifndef STRATA_MULTIVERSION_H
#define STRATA_MULTIVERSION_H

#include "StrataKernels.h"

#define STRATA_ALWAYS_INLINE static inline __attribute__((always_inline))

#if defined(__x86_64__) || defined(__i386__)
#define STRATA_MULTIVERSION(name, parameters, arguments)                                      \
  static void name##_baseline parameters { name##_body arguments; }                           \
  __attribute__((target("avx2,fma"))) static void name##_avx2 parameters {                    \
    name##_body arguments;                                                                    \
  }                                                                                           \
  __attribute__((target("avx512f"))) static void name##_avx512 parameters {                   \
    name##_body arguments;                                                                    \
  }                                                                                           \
  static void name##_dispatch parameters {                                                    \
    int kernel = strata_gemm_best_kernel();                                                   \
    if (kernel == STRATA_GEMM_KERNEL_AVX512) {                                                \
      name##_avx512 arguments;                                                                \
    } else if (kernel == STRATA_GEMM_KERNEL_AVX2) {                                           \
      name##_avx2 arguments;                                                                  \
    } else {                                                                                  \
      name##_baseline arguments;                                                              \
    }                                                                                         \
  }
#else
#define STRATA_MULTIVERSION(name, parameters, arguments)                                      \
  static void name##_dispatch parameters { name##_body arguments; }
#endif

#endif
