// Bulk draws from Strata's SplitMix64 generator.
//
// SplitMix64 is counter based: the i-th draw after state s mixes s + i·γ, so a block of draws
// needs no loop-carried state and vectorises; splitting it over threads gives the same values.
#include "StrataKernels.h"
#include "multiversion.h"

#include <stdint.h>

#pragma STDC FP_CONTRACT OFF
#if defined(__clang__)
#pragma clang fp contract(off)
#endif

#define GOLDEN_GAMMA 0x9E3779B97F4A7C15ull

STRATA_ALWAYS_INLINE void bernoulli_body(uint64_t state, long first, long count, float probability,
                                         float value, float *restrict out) {
  for (long i = 0; i < count; i++) {
    uint64_t z = state + (uint64_t)(first + i + 1) * GOLDEN_GAMMA;
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    z ^= z >> 31;
    float unit = (float)(z >> 40) * (1.0f / 16777216.0f);
    out[i] = unit < probability ? value : 0.0f;
  }
}

STRATA_MULTIVERSION(bernoulli,
                    (uint64_t state, long first, long count, float probability, float value,
                     float *out),
                    (state, first, count, probability, value, out))

void strata_bernoulli(uint64_t state, long first, long count, float probability, float value,
                      float *out) {
  bernoulli_dispatch(state, first, count, probability, value, out);
}
