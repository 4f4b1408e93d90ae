// The GEMM micro-kernels: the only code in Strata that knows about AVX2, FMA, AVX-512 and
// NEON. The x86 vector paths are compiled with target attributes (no compiler flags needed)
// and picked at run time; arm64 always has NEON; every other CPU gets the portable loop.
// Every kernel, the portable one included, sums each element of C over the depth in the same
// order from zero, with one fused multiply-add per step, so they all give the same bits.
#include "StrataKernels.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define MR STRATA_GEMM_MR
#define NR 16
#define NR_WIDE 32

static void store_tile(const float *tile, float *c, ptrdiff_t ldc, ptrdiff_t rows,
                       ptrdiff_t cols, int accumulate) {
  for (ptrdiff_t r = 0; r < rows; r++) {
    float *row = c + r * ldc;
    const float *src = tile + r * NR;
    if (accumulate) {
      for (ptrdiff_t j = 0; j < cols; j++) row[j] += src[j];
    } else {
      for (ptrdiff_t j = 0; j < cols; j++) row[j] = src[j];
    }
  }
}

static void micro_portable(ptrdiff_t depth, const float *a, ptrdiff_t rs, ptrdiff_t cs,
                           const float *b, ptrdiff_t bs, float *c, ptrdiff_t ldc, ptrdiff_t rows,
                           ptrdiff_t cols, int accumulate) {
  float tile[MR * NR];
  memset(tile, 0, sizeof(tile));
  for (ptrdiff_t p = 0; p < depth; p++) {
    const float *bp = b + p * bs;
    for (ptrdiff_t r = 0; r < rows; r++) {
      float ar = a[r * rs + p * cs];
      // fmaf, as the vector kernels' FMA: the same rounding, so the same bits.
      for (int j = 0; j < NR; j++) tile[r * NR + j] = fmaf(ar, bp[j], tile[r * NR + j]);
    }
  }
  store_tile(tile, c, ldc, rows, cols, accumulate);
}

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>

#define STRATA_AVX2 __attribute__((target("avx2,fma")))
#define STRATA_ALWAYS_INLINE_AVX2 static inline __attribute__((always_inline, target("avx2,fma")))

// One depth step of the full AVX2 tile: two vectors of B row `q`, six broadcasts of A, twelve
// fused multiply-adds. Row r of A is read at `a + r * rs + q * cs`.
#define STRATA_AVX2_STEP(q)                                                                   \
  {                                                                                           \
    const float *bq = b + (q) * bs;                                                           \
    __m256 b0 = _mm256_loadu_ps(bq), b1 = _mm256_loadu_ps(bq + 8), ar;                        \
    ar = _mm256_broadcast_ss(a + (q) * cs);                                                   \
    c00 = _mm256_fmadd_ps(ar, b0, c00);                                                       \
    c01 = _mm256_fmadd_ps(ar, b1, c01);                                                       \
    ar = _mm256_broadcast_ss(a + rs + (q) * cs);                                              \
    c10 = _mm256_fmadd_ps(ar, b0, c10);                                                       \
    c11 = _mm256_fmadd_ps(ar, b1, c11);                                                       \
    ar = _mm256_broadcast_ss(a + 2 * rs + (q) * cs);                                          \
    c20 = _mm256_fmadd_ps(ar, b0, c20);                                                       \
    c21 = _mm256_fmadd_ps(ar, b1, c21);                                                       \
    ar = _mm256_broadcast_ss(a + 3 * rs + (q) * cs);                                          \
    c30 = _mm256_fmadd_ps(ar, b0, c30);                                                       \
    c31 = _mm256_fmadd_ps(ar, b1, c31);                                                       \
    ar = _mm256_broadcast_ss(a + 4 * rs + (q) * cs);                                          \
    c40 = _mm256_fmadd_ps(ar, b0, c40);                                                       \
    c41 = _mm256_fmadd_ps(ar, b1, c41);                                                       \
    ar = _mm256_broadcast_ss(a + 5 * rs + (q) * cs);                                          \
    c50 = _mm256_fmadd_ps(ar, b0, c50);                                                       \
    c51 = _mm256_fmadd_ps(ar, b1, c51);                                                       \
    STRATA_AVX2_KEEP_ACCUMULATORS();                                                          \
  }

// An empty statement that needs all twelve accumulators in registers. Between the steps it
// stops the compiler from loading the next step's B early, which needs two more vector
// registers than the sixteen there are and made it keep an accumulator in memory (a store
// and a load on that accumulator's chain every step).
#define STRATA_AVX2_KEEP_ACCUMULATORS()                                                       \
  __asm__("" : "+x"(c00), "+x"(c01), "+x"(c10), "+x"(c11), "+x"(c20), "+x"(c21), "+x"(c30),  \
          "+x"(c31), "+x"(c40), "+x"(c41), "+x"(c50), "+x"(c51))

// How far ahead (in depth steps) the full AVX2 tile prefetches its rows of A.
#define STRATA_AVX2_PREFETCH_DEPTH 32

// Full-height tile: six rows of A, sixteen columns of B, twelve accumulators, eight depth
// steps per loop turn. Inlined into one copy per layout of A (in place: `cs` = 1; packed:
// `rs` = 1, `cs` = MR), so that every A address is a register plus a constant: with both
// strides variable the compiler chained the six row addresses through one register, seven
// dependent adds per step where the FMAs need six cycles, and the tile ran at about 85% of
// its speed. Each turn prefetches the A values it will need 32 steps later (a row of A read
// in place is six separate streams, which the hardware prefetcher follows too late), and the
// rows of C are prefetched first so that their load at the end does not wait on memory.
STRATA_ALWAYS_INLINE_AVX2 void micro_avx2_6_body(ptrdiff_t depth, const float *a, ptrdiff_t rs,
                                                 ptrdiff_t cs, const float *b, ptrdiff_t bs,
                                                 const float *c, ptrdiff_t ldc,
                                                 __m256 acc[MR][2]) {
  for (int r = 0; r < MR; r++) {
    _mm_prefetch((const char *)(c + r * ldc), _MM_HINT_T0);
    _mm_prefetch((const char *)(c + r * ldc + NR - 1), _MM_HINT_T0);
  }
  __m256 c00 = _mm256_setzero_ps(), c01 = _mm256_setzero_ps();
  __m256 c10 = _mm256_setzero_ps(), c11 = _mm256_setzero_ps();
  __m256 c20 = _mm256_setzero_ps(), c21 = _mm256_setzero_ps();
  __m256 c30 = _mm256_setzero_ps(), c31 = _mm256_setzero_ps();
  __m256 c40 = _mm256_setzero_ps(), c41 = _mm256_setzero_ps();
  __m256 c50 = _mm256_setzero_ps(), c51 = _mm256_setzero_ps();
  const ptrdiff_t ahead = STRATA_AVX2_PREFETCH_DEPTH * cs;
  ptrdiff_t p = 0;
  for (; p + 8 <= depth; p += 8) {
    if (cs == 1) {
      // In place: one line ahead in each of the six rows.
      for (int r = 0; r < MR; r++) _mm_prefetch((const char *)(a + r * rs + ahead), _MM_HINT_T0);
    } else {
      // Packed: eight steps are 48 contiguous floats, three lines.
      const char *next = (const char *)(a + ahead);
      _mm_prefetch(next, _MM_HINT_T0);
      _mm_prefetch(next + 64, _MM_HINT_T0);
      _mm_prefetch(next + 128, _MM_HINT_T0);
    }
    STRATA_AVX2_STEP(0)
    STRATA_AVX2_STEP(1)
    STRATA_AVX2_STEP(2)
    STRATA_AVX2_STEP(3)
    STRATA_AVX2_STEP(4)
    STRATA_AVX2_STEP(5)
    STRATA_AVX2_STEP(6)
    STRATA_AVX2_STEP(7)
    b += 8 * bs;
    a += 8 * cs;
  }
  for (; p < depth; p++) {
    STRATA_AVX2_STEP(0)
    b += bs;
    a += cs;
  }
  acc[0][0] = c00; acc[0][1] = c01;
  acc[1][0] = c10; acc[1][1] = c11;
  acc[2][0] = c20; acc[2][1] = c21;
  acc[3][0] = c30; acc[3][1] = c31;
  acc[4][0] = c40; acc[4][1] = c41;
  acc[5][0] = c50; acc[5][1] = c51;
}

STRATA_AVX2 static void micro_avx2_6(ptrdiff_t depth, const float *a, ptrdiff_t rs,
                                     ptrdiff_t cs, const float *b, ptrdiff_t bs,
                                     const float *c, ptrdiff_t ldc, __m256 acc[MR][2]) {
  if (cs == 1) {
    micro_avx2_6_body(depth, a, rs, 1, b, bs, c, ldc, acc);
  } else if (rs == 1 && cs == MR) {
    micro_avx2_6_body(depth, a, 1, MR, b, bs, c, ldc, acc);
  } else {
    micro_avx2_6_body(depth, a, rs, cs, b, bs, c, ldc, acc);
  }
}

// Partial height (1 to 5 rows): all rows in one pass over the depth, two accumulators per
// row, inlined once per row count so that they stay in registers. One row at a time left a
// single chain of dependent FMAs per vector, a quarter of the full tile's speed (on a Zen 3
// the last two rows of a 128-row product cost 6% of its time). Same order per element.
STRATA_ALWAYS_INLINE_AVX2 void micro_avx2_rows_body(ptrdiff_t depth, const float *a,
                                                    ptrdiff_t rs, ptrdiff_t cs, const float *b,
                                                    ptrdiff_t bs, int rows,
                                                    __m256 acc[MR][2]) {
  __m256 lo[MR - 1], hi[MR - 1];
  for (int r = 0; r < rows; r++) lo[r] = hi[r] = _mm256_setzero_ps();
  for (ptrdiff_t p = 0; p < depth; p++) {
    __m256 b0 = _mm256_loadu_ps(b), b1 = _mm256_loadu_ps(b + 8);
    for (int r = 0; r < rows; r++) {
      __m256 x = _mm256_broadcast_ss(a + r * rs);
      lo[r] = _mm256_fmadd_ps(x, b0, lo[r]);
      hi[r] = _mm256_fmadd_ps(x, b1, hi[r]);
    }
    a += cs;
    b += bs;
  }
  for (int r = 0; r < rows; r++) {
    acc[r][0] = lo[r];
    acc[r][1] = hi[r];
  }
}

STRATA_AVX2 static void micro_avx2_rows(ptrdiff_t depth, const float *a, ptrdiff_t rs,
                                        ptrdiff_t cs, const float *b, ptrdiff_t bs,
                                        ptrdiff_t rows, __m256 acc[MR][2]) {
  switch (rows) {
    case 1: micro_avx2_rows_body(depth, a, rs, cs, b, bs, 1, acc); break;
    case 2: micro_avx2_rows_body(depth, a, rs, cs, b, bs, 2, acc); break;
    case 3: micro_avx2_rows_body(depth, a, rs, cs, b, bs, 3, acc); break;
    case 4: micro_avx2_rows_body(depth, a, rs, cs, b, bs, 4, acc); break;
    default: micro_avx2_rows_body(depth, a, rs, cs, b, bs, 5, acc); break;
  }
}

STRATA_AVX2 static void micro_avx2(ptrdiff_t depth, const float *a, ptrdiff_t rs, ptrdiff_t cs,
                                   const float *b, ptrdiff_t bs, float *c, ptrdiff_t ldc,
                                   ptrdiff_t rows,
                                   ptrdiff_t cols, int accumulate) {
  __m256 acc[MR][2];
  if (rows == MR) {
    micro_avx2_6(depth, a, rs, cs, b, bs, c, ldc, acc);
  } else {
    micro_avx2_rows(depth, a, rs, cs, b, bs, rows, acc);
  }
  if (cols == NR) {
    for (ptrdiff_t r = 0; r < rows; r++) {
      float *row = c + r * ldc;
      if (accumulate) {
        _mm256_storeu_ps(row, _mm256_add_ps(_mm256_loadu_ps(row), acc[r][0]));
        _mm256_storeu_ps(row + 8, _mm256_add_ps(_mm256_loadu_ps(row + 8), acc[r][1]));
      } else {
        _mm256_storeu_ps(row, acc[r][0]);
        _mm256_storeu_ps(row + 8, acc[r][1]);
      }
    }
    return;
  }
  float tile[MR * NR];
  for (ptrdiff_t r = 0; r < rows; r++) {
    _mm256_storeu_ps(tile + r * NR, acc[r][0]);
    _mm256_storeu_ps(tile + r * NR + 8, acc[r][1]);
  }
  store_tile(tile, c, ldc, rows, cols, accumulate);
}

#define STRATA_AVX512 __attribute__((target("avx512f")))

// AVX-512: six rows of A, thirty-two columns of B (two zmm registers per row).
STRATA_AVX512 static void micro_avx512(ptrdiff_t depth, const float *a, ptrdiff_t rs,
                                       ptrdiff_t cs, const float *b, ptrdiff_t bs, float *c,
                                       ptrdiff_t ldc,
                                       ptrdiff_t rows, ptrdiff_t cols, int accumulate) {
  __m512 acc[MR][2];
  if (rows == MR) {
    __m512 c00 = _mm512_setzero_ps(), c01 = _mm512_setzero_ps();
    __m512 c10 = _mm512_setzero_ps(), c11 = _mm512_setzero_ps();
    __m512 c20 = _mm512_setzero_ps(), c21 = _mm512_setzero_ps();
    __m512 c30 = _mm512_setzero_ps(), c31 = _mm512_setzero_ps();
    __m512 c40 = _mm512_setzero_ps(), c41 = _mm512_setzero_ps();
    __m512 c50 = _mm512_setzero_ps(), c51 = _mm512_setzero_ps();
    const float *a0 = a, *a1 = a + rs, *a2 = a + 2 * rs, *a3 = a + 3 * rs, *a4 = a + 4 * rs,
                *a5 = a + 5 * rs;
    for (ptrdiff_t p = 0; p < depth; p++) {
      ptrdiff_t off = p * cs;
      __m512 b0 = _mm512_loadu_ps(b);
      __m512 b1 = _mm512_loadu_ps(b + 16);
      __m512 ar;
      ar = _mm512_set1_ps(a0[off]);
      c00 = _mm512_fmadd_ps(ar, b0, c00);
      c01 = _mm512_fmadd_ps(ar, b1, c01);
      ar = _mm512_set1_ps(a1[off]);
      c10 = _mm512_fmadd_ps(ar, b0, c10);
      c11 = _mm512_fmadd_ps(ar, b1, c11);
      ar = _mm512_set1_ps(a2[off]);
      c20 = _mm512_fmadd_ps(ar, b0, c20);
      c21 = _mm512_fmadd_ps(ar, b1, c21);
      ar = _mm512_set1_ps(a3[off]);
      c30 = _mm512_fmadd_ps(ar, b0, c30);
      c31 = _mm512_fmadd_ps(ar, b1, c31);
      ar = _mm512_set1_ps(a4[off]);
      c40 = _mm512_fmadd_ps(ar, b0, c40);
      c41 = _mm512_fmadd_ps(ar, b1, c41);
      ar = _mm512_set1_ps(a5[off]);
      c50 = _mm512_fmadd_ps(ar, b0, c50);
      c51 = _mm512_fmadd_ps(ar, b1, c51);
      b += bs;
    }
    acc[0][0] = c00; acc[0][1] = c01;
    acc[1][0] = c10; acc[1][1] = c11;
    acc[2][0] = c20; acc[2][1] = c21;
    acc[3][0] = c30; acc[3][1] = c31;
    acc[4][0] = c40; acc[4][1] = c41;
    acc[5][0] = c50; acc[5][1] = c51;
  } else {
    for (ptrdiff_t r = 0; r < rows; r++) {
      const float *ar = a + r * rs;
      __m512 lo = _mm512_setzero_ps(), hi = _mm512_setzero_ps();
      const float *bp = b;
      for (ptrdiff_t p = 0; p < depth; p++) {
        __m512 x = _mm512_set1_ps(ar[p * cs]);
        lo = _mm512_fmadd_ps(x, _mm512_loadu_ps(bp), lo);
        hi = _mm512_fmadd_ps(x, _mm512_loadu_ps(bp + 16), hi);
        bp += bs;
      }
      acc[r][0] = lo;
      acc[r][1] = hi;
    }
  }
  __mmask16 low_mask = cols >= 16 ? (__mmask16)0xFFFF : (__mmask16)((1u << cols) - 1u);
  __mmask16 high_mask = cols <= 16   ? (__mmask16)0
                        : cols >= 32 ? (__mmask16)0xFFFF
                                     : (__mmask16)((1u << (cols - 16)) - 1u);
  for (ptrdiff_t r = 0; r < rows; r++) {
    float *row = c + r * ldc;
    __m512 lo = acc[r][0], hi = acc[r][1];
    if (accumulate) {
      lo = _mm512_add_ps(_mm512_maskz_loadu_ps(low_mask, row), lo);
      hi = _mm512_add_ps(_mm512_maskz_loadu_ps(high_mask, row + 16), hi);
    }
    _mm512_mask_storeu_ps(row, low_mask, lo);
    _mm512_mask_storeu_ps(row + 16, high_mask, hi);
  }
}

// AVX-512 on a 16-wide panel (narrow products such as a 10-class output layer): six rows,
// one zmm register each, the same per-element order as the other vector kernels.
STRATA_AVX512 static void micro_avx512_narrow(ptrdiff_t depth, const float *a, ptrdiff_t rs,
                                              ptrdiff_t cs, const float *b, ptrdiff_t bs,
                                              float *c, ptrdiff_t ldc, ptrdiff_t rows,
                                              ptrdiff_t cols, int accumulate) {
  __m512 acc[MR];
  if (rows == MR) {
    __m512 c0 = _mm512_setzero_ps(), c1 = _mm512_setzero_ps(), c2 = _mm512_setzero_ps();
    __m512 c3 = _mm512_setzero_ps(), c4 = _mm512_setzero_ps(), c5 = _mm512_setzero_ps();
    const float *a0 = a, *a1 = a + rs, *a2 = a + 2 * rs, *a3 = a + 3 * rs, *a4 = a + 4 * rs,
                *a5 = a + 5 * rs;
    for (ptrdiff_t p = 0; p < depth; p++) {
      ptrdiff_t off = p * cs;
      __m512 b0 = _mm512_loadu_ps(b);
      c0 = _mm512_fmadd_ps(_mm512_set1_ps(a0[off]), b0, c0);
      c1 = _mm512_fmadd_ps(_mm512_set1_ps(a1[off]), b0, c1);
      c2 = _mm512_fmadd_ps(_mm512_set1_ps(a2[off]), b0, c2);
      c3 = _mm512_fmadd_ps(_mm512_set1_ps(a3[off]), b0, c3);
      c4 = _mm512_fmadd_ps(_mm512_set1_ps(a4[off]), b0, c4);
      c5 = _mm512_fmadd_ps(_mm512_set1_ps(a5[off]), b0, c5);
      b += bs;
    }
    acc[0] = c0; acc[1] = c1; acc[2] = c2; acc[3] = c3; acc[4] = c4; acc[5] = c5;
  } else {
    for (ptrdiff_t r = 0; r < rows; r++) {
      const float *ar = a + r * rs;
      __m512 sum = _mm512_setzero_ps();
      const float *bp = b;
      for (ptrdiff_t p = 0; p < depth; p++) {
        sum = _mm512_fmadd_ps(_mm512_set1_ps(ar[p * cs]), _mm512_loadu_ps(bp), sum);
        bp += bs;
      }
      acc[r] = sum;
    }
  }
  __mmask16 mask = cols >= 16 ? (__mmask16)0xFFFF : (__mmask16)((1u << cols) - 1u);
  for (ptrdiff_t r = 0; r < rows; r++) {
    float *row = c + r * ldc;
    __m512 value = acc[r];
    if (accumulate) value = _mm512_add_ps(_mm512_maskz_loadu_ps(mask, row), value);
    _mm512_mask_storeu_ps(row, mask, value);
  }
}

static int detect_avx512(void) {
  __builtin_cpu_init();
  return __builtin_cpu_supports("avx512f");
}

static int detect_avx2(void) {
  __builtin_cpu_init();
  return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
}
#elif !defined(__aarch64__)
static int detect_avx512(void) { return 0; }
static int detect_avx2(void) { return 0; }
#endif

#if defined(__aarch64__)
#include <arm_neon.h>

// NEON: six rows of A, sixteen columns of B (four q registers per row): 24 accumulators, four
// B registers and the broadcast fit the 32 vector registers. `vfmaq_n_f32(c, b, a)` is the
// fused c + b·a per lane, the order of the x86 kernels.
static void micro_neon(ptrdiff_t depth, const float *a, ptrdiff_t rs, ptrdiff_t cs,
                       const float *b, ptrdiff_t bs, float *c, ptrdiff_t ldc, ptrdiff_t rows,
                       ptrdiff_t cols, int accumulate) {
  float32x4_t acc[MR][4];
  if (rows == MR) {
    float32x4_t c00 = vdupq_n_f32(0), c01 = c00, c02 = c00, c03 = c00;
    float32x4_t c10 = c00, c11 = c00, c12 = c00, c13 = c00;
    float32x4_t c20 = c00, c21 = c00, c22 = c00, c23 = c00;
    float32x4_t c30 = c00, c31 = c00, c32 = c00, c33 = c00;
    float32x4_t c40 = c00, c41 = c00, c42 = c00, c43 = c00;
    float32x4_t c50 = c00, c51 = c00, c52 = c00, c53 = c00;
    const float *a0 = a, *a1 = a + rs, *a2 = a + 2 * rs, *a3 = a + 3 * rs, *a4 = a + 4 * rs,
                *a5 = a + 5 * rs;
    for (ptrdiff_t p = 0; p < depth; p++) {
      ptrdiff_t off = p * cs;
      float32x4_t b0 = vld1q_f32(b), b1 = vld1q_f32(b + 4), b2 = vld1q_f32(b + 8),
                  b3 = vld1q_f32(b + 12);
      float x;
      x = a0[off];
      c00 = vfmaq_n_f32(c00, b0, x); c01 = vfmaq_n_f32(c01, b1, x);
      c02 = vfmaq_n_f32(c02, b2, x); c03 = vfmaq_n_f32(c03, b3, x);
      x = a1[off];
      c10 = vfmaq_n_f32(c10, b0, x); c11 = vfmaq_n_f32(c11, b1, x);
      c12 = vfmaq_n_f32(c12, b2, x); c13 = vfmaq_n_f32(c13, b3, x);
      x = a2[off];
      c20 = vfmaq_n_f32(c20, b0, x); c21 = vfmaq_n_f32(c21, b1, x);
      c22 = vfmaq_n_f32(c22, b2, x); c23 = vfmaq_n_f32(c23, b3, x);
      x = a3[off];
      c30 = vfmaq_n_f32(c30, b0, x); c31 = vfmaq_n_f32(c31, b1, x);
      c32 = vfmaq_n_f32(c32, b2, x); c33 = vfmaq_n_f32(c33, b3, x);
      x = a4[off];
      c40 = vfmaq_n_f32(c40, b0, x); c41 = vfmaq_n_f32(c41, b1, x);
      c42 = vfmaq_n_f32(c42, b2, x); c43 = vfmaq_n_f32(c43, b3, x);
      x = a5[off];
      c50 = vfmaq_n_f32(c50, b0, x); c51 = vfmaq_n_f32(c51, b1, x);
      c52 = vfmaq_n_f32(c52, b2, x); c53 = vfmaq_n_f32(c53, b3, x);
      b += bs;
    }
    acc[0][0] = c00; acc[0][1] = c01; acc[0][2] = c02; acc[0][3] = c03;
    acc[1][0] = c10; acc[1][1] = c11; acc[1][2] = c12; acc[1][3] = c13;
    acc[2][0] = c20; acc[2][1] = c21; acc[2][2] = c22; acc[2][3] = c23;
    acc[3][0] = c30; acc[3][1] = c31; acc[3][2] = c32; acc[3][3] = c33;
    acc[4][0] = c40; acc[4][1] = c41; acc[4][2] = c42; acc[4][3] = c43;
    acc[5][0] = c50; acc[5][1] = c51; acc[5][2] = c52; acc[5][3] = c53;
  } else {
    // Partial height: one row at a time, the same order per element.
    for (ptrdiff_t r = 0; r < rows; r++) {
      const float *ar = a + r * rs;
      float32x4_t s0 = vdupq_n_f32(0), s1 = s0, s2 = s0, s3 = s0;
      const float *bp = b;
      for (ptrdiff_t p = 0; p < depth; p++) {
        float x = ar[p * cs];
        s0 = vfmaq_n_f32(s0, vld1q_f32(bp), x);
        s1 = vfmaq_n_f32(s1, vld1q_f32(bp + 4), x);
        s2 = vfmaq_n_f32(s2, vld1q_f32(bp + 8), x);
        s3 = vfmaq_n_f32(s3, vld1q_f32(bp + 12), x);
        bp += bs;
      }
      acc[r][0] = s0; acc[r][1] = s1; acc[r][2] = s2; acc[r][3] = s3;
    }
  }
  if (cols == NR) {
    for (ptrdiff_t r = 0; r < rows; r++) {
      float *row = c + r * ldc;
      for (int q = 0; q < 4; q++) {
        float32x4_t value = acc[r][q];
        if (accumulate) value = vaddq_f32(vld1q_f32(row + 4 * q), value);
        vst1q_f32(row + 4 * q, value);
      }
    }
    return;
  }
  float tile[MR * NR];
  for (ptrdiff_t r = 0; r < rows; r++) {
    for (int q = 0; q < 4; q++) vst1q_f32(tile + r * NR + 4 * q, acc[r][q]);
  }
  store_tile(tile, c, ldc, rows, cols, accumulate);
}
#endif

static int best_kernel = -1;

int strata_gemm_best_kernel(void) {
  int kernel = __atomic_load_n(&best_kernel, __ATOMIC_RELAXED);
  if (kernel < 0) {
#if defined(__aarch64__)
    kernel = STRATA_GEMM_KERNEL_NEON;
#else
    kernel = detect_avx512()  ? STRATA_GEMM_KERNEL_AVX512
             : detect_avx2() ? STRATA_GEMM_KERNEL_AVX2
                             : STRATA_GEMM_KERNEL_PORTABLE;
#endif
    // STRATA_GEMM_KERNEL=portable|avx2 picks a lesser kernel (never one the CPU lacks).
    const char *wanted = getenv("STRATA_GEMM_KERNEL");
    if (wanted != NULL) {
      if (strcmp(wanted, "portable") == 0) kernel = STRATA_GEMM_KERNEL_PORTABLE;
      if (strcmp(wanted, "avx2") == 0 && (kernel == STRATA_GEMM_KERNEL_AVX512)) {
        kernel = STRATA_GEMM_KERNEL_AVX2;
      }
    }
    __atomic_store_n(&best_kernel, kernel, __ATOMIC_RELAXED);
  }
  return kernel;
}

int strata_gemm_panel_width(int kernel) {
  return kernel == STRATA_GEMM_KERNEL_AVX512 ? NR_WIDE : NR;  // AVX2, narrow AVX-512: 16
}

void strata_sgemm_micro(int kernel, ptrdiff_t depth, const float *a, ptrdiff_t aRowStride,
                        ptrdiff_t aDepthStride, const float *b, ptrdiff_t bRowStride, float *c,
                        ptrdiff_t ldc,
                        ptrdiff_t rows, ptrdiff_t cols, int accumulate) {
#if defined(__x86_64__) || defined(__i386__)
  if (kernel == STRATA_GEMM_KERNEL_AVX512) {
    micro_avx512(depth, a, aRowStride, aDepthStride, b, bRowStride, c, ldc, rows, cols, accumulate);
    return;
  }
  if (kernel == STRATA_GEMM_KERNEL_AVX512_NARROW) {
    micro_avx512_narrow(depth, a, aRowStride, aDepthStride, b, bRowStride, c, ldc, rows, cols,
                        accumulate);
    return;
  }
  if (kernel == STRATA_GEMM_KERNEL_AVX2) {
    micro_avx2(depth, a, aRowStride, aDepthStride, b, bRowStride, c, ldc, rows, cols, accumulate);
    return;
  }
#elif defined(__aarch64__)
  if (kernel == STRATA_GEMM_KERNEL_NEON) {
    micro_neon(depth, a, aRowStride, aDepthStride, b, bRowStride, c, ldc, rows, cols, accumulate);
    return;
  }
#else
  (void)kernel;
#endif
  micro_portable(depth, a, aRowStride, aDepthStride, b, bRowStride, c, ldc, rows, cols, accumulate);
}
