// Vectorised exp, log, sigmoid and tanh.
//
// libm's expf and tanhf are scalar calls: a sigmoid over a 128 × 512 batch took 440 µs, four
// times the GEMM that produced it. These are the Cephes single-precision algorithms (range
// reduction by ln 2 in two parts, a degree-5 polynomial; an odd polynomial for small |tanh|),
// written branch-free so the compiler vectorises them, accurate to about one unit in the last
// place. Overflow, underflow to zero and NaN behave as in libm.
#include "StrataKernels.h"
#include "multiversion.h"

#include <math.h>
#include <stdint.h>

#pragma STDC FP_CONTRACT OFF
#if defined(__clang__)
#pragma clang fp contract(off)
#endif

STRATA_ALWAYS_INLINE float power_of_two(int32_t n) {
  union {
    int32_t bits;
    float value;
  } u;
  u.bits = (n + 127) << 23;
  return u.value;
}

STRATA_ALWAYS_INLINE float exp_scalar(float x) {
  const float high = 88.72283905206835f, low = -103.97207708f;
  float clamped = x > high ? high : x;
  clamped = clamped < low ? low : clamped;
  float t = clamped * 1.44269504088896341f;
  int32_t n = (int32_t)(t + (t >= 0 ? 0.5f : -0.5f));
  float fn = (float)n;
  float r = clamped - fn * 0.693359375f;
  r = r - fn * -2.12194440e-4f;
  float p = 1.9875691500e-4f;
  p = p * r + 1.3981999507e-3f;
  p = p * r + 8.3334519073e-3f;
  p = p * r + 4.1665795894e-2f;
  p = p * r + 1.6666665459e-1f;
  p = p * r + 5.0000001201e-1f;
  float y = p * (r * r) + r + 1.0f;
  // 2ⁿ in two normal factors, so results down to the subnormal range round correctly.
  int32_t half = n >> 1;
  y = y * power_of_two(half) * power_of_two(n - half);
  y = x > high ? INFINITY : y;
  y = x < low ? 0.0f : y;
  return x != x ? x : y;
}

// Cephes logf: x = m·2ᵉ with m in [√½, √2), log(1 + (m − 1)) by a degree-9 polynomial, e·ln 2
// added in two parts. Subnormal inputs are scaled by 2²³ first.
STRATA_ALWAYS_INLINE float log_scalar(float x) {
  union {
    int32_t bits;
    float value;
  } u;
  int subnormal = x < 1.17549435e-38f;
  u.value = subnormal ? x * 8388608.0f : x;
  int32_t e = ((u.bits >> 23) & 0xff) - 126 - (subnormal ? 23 : 0);
  u.bits = (u.bits & (int32_t)0x807fffff) | 0x3f000000;
  float m = u.value;
  int below = m < 0.707106781186547524f;
  e = below ? e - 1 : e;
  m = below ? m + m - 1.0f : m - 1.0f;
  float z = m * m;
  float p = 7.0376836292e-2f;
  p = p * m - 1.1514610310e-1f;
  p = p * m + 1.1676998740e-1f;
  p = p * m - 1.2420140846e-1f;
  p = p * m + 1.4249322787e-1f;
  p = p * m - 1.6668057665e-1f;
  p = p * m + 2.0000714765e-1f;
  p = p * m - 2.4999993993e-1f;
  p = p * m + 3.3333331174e-1f;
  float fe = (float)e;
  float y = m * z * p;
  y = y + fe * -2.12194440e-4f;
  y = y - 0.5f * z;
  float result = m + y;
  result = result + fe * 0.693359375f;
  result = x == INFINITY ? INFINITY : result;
  result = x == 0 ? -INFINITY : result;
  result = x < 0 ? NAN : result;
  return x != x ? x : result;
}

STRATA_ALWAYS_INLINE void log_body(long n, const float *restrict x, float *restrict y) {
  for (long i = 0; i < n; i++) y[i] = log_scalar(x[i]);
}

STRATA_ALWAYS_INLINE void exp_body(long n, const float *restrict x, float *restrict y) {
  for (long i = 0; i < n; i++) y[i] = exp_scalar(x[i]);
}

// σ(x) = 1 / (1 + e⁻ˣ) for x ≥ 0 and eˣ / (1 + eˣ) below, from e = exp(−|x|).
STRATA_ALWAYS_INLINE void sigmoid_body(long n, const float *restrict x, float *restrict y) {
  for (long i = 0; i < n; i++) {
    float v = x[i];
    float e = exp_scalar(-fabsf(v));
    float s = v >= 0 ? 1.0f / (1.0f + e) : e / (1.0f + e);
    y[i] = v != v ? v : s;
  }
}

STRATA_ALWAYS_INLINE void tanh_body(long n, const float *restrict x, float *restrict y) {
  for (long i = 0; i < n; i++) {
    float v = x[i];
    float a = fabsf(v);
    float z = v * v;
    float p = -5.70498872745e-3f;
    p = p * z + 2.06390887954e-2f;
    p = p * z - 5.37397155531e-2f;
    p = p * z + 1.33314422036e-1f;
    p = p * z - 3.33332819422e-1f;
    float small = p * z * v + v;
    float large = 1.0f - 2.0f / (exp_scalar(a + a) + 1.0f);
    large = copysignf(large, v);
    y[i] = a < 0.625f ? small : large;
  }
}

STRATA_MULTIVERSION(exp, (long n, const float *x, float *y), (n, x, y))
STRATA_MULTIVERSION(log, (long n, const float *x, float *y), (n, x, y))
STRATA_MULTIVERSION(sigmoid, (long n, const float *x, float *y), (n, x, y))
STRATA_MULTIVERSION(tanh, (long n, const float *x, float *y), (n, x, y))

void strata_exp(long n, const float *x, float *y) { exp_dispatch(n, x, y); }
void strata_log(long n, const float *x, float *y) { log_dispatch(n, x, y); }
void strata_sigmoid(long n, const float *x, float *y) { sigmoid_dispatch(n, x, y); }
void strata_tanh(long n, const float *x, float *y) { tanh_dispatch(n, x, y); }
