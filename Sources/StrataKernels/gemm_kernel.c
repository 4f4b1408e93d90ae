// The GEMM micro-kernel: the only code in Strata that knows about AVX2 and FMA.
// The AVX2+FMA path is compiled with a target attribute (no compiler flags needed) and picked
// at run time; every other CPU gets the portable loop, which compilers auto-vectorise.
#include "StrataKernels.h"

#include <string.h>

#define MR STRATA_GEMM_MR
#define NR STRATA_GEMM_NR

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

static void micro_portable(ptrdiff_t depth, const float *a, const float *b, float *c,
                           ptrdiff_t ldc, ptrdiff_t rows, ptrdiff_t cols, int accumulate) {
  float tile[MR * NR];
  memset(tile, 0, sizeof(tile));
  for (ptrdiff_t p = 0; p < depth; p++) {
    const float *ap = a + p * MR;
    const float *bp = b + p * NR;
    for (int r = 0; r < MR; r++) {
      float ar = ap[r];
      for (int j = 0; j < NR; j++) tile[r * NR + j] += ar * bp[j];
    }
  }
  store_tile(tile, c, ldc, rows, cols, accumulate);
}

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>

__attribute__((target("avx2,fma"))) static void micro_avx2(ptrdiff_t depth, const float *a,
                                                           const float *b, float *c,
                                                           ptrdiff_t ldc, ptrdiff_t rows,
                                                           ptrdiff_t cols, int accumulate) {
  __m256 c00 = _mm256_setzero_ps(), c01 = _mm256_setzero_ps();
  __m256 c10 = _mm256_setzero_ps(), c11 = _mm256_setzero_ps();
  __m256 c20 = _mm256_setzero_ps(), c21 = _mm256_setzero_ps();
  __m256 c30 = _mm256_setzero_ps(), c31 = _mm256_setzero_ps();
  __m256 c40 = _mm256_setzero_ps(), c41 = _mm256_setzero_ps();
  __m256 c50 = _mm256_setzero_ps(), c51 = _mm256_setzero_ps();
  for (ptrdiff_t p = 0; p < depth; p++) {
    __m256 b0 = _mm256_loadu_ps(b);
    __m256 b1 = _mm256_loadu_ps(b + 8);
    __m256 ar;
    ar = _mm256_broadcast_ss(a + 0);
    c00 = _mm256_fmadd_ps(ar, b0, c00);
    c01 = _mm256_fmadd_ps(ar, b1, c01);
    ar = _mm256_broadcast_ss(a + 1);
    c10 = _mm256_fmadd_ps(ar, b0, c10);
    c11 = _mm256_fmadd_ps(ar, b1, c11);
    ar = _mm256_broadcast_ss(a + 2);
    c20 = _mm256_fmadd_ps(ar, b0, c20);
    c21 = _mm256_fmadd_ps(ar, b1, c21);
    ar = _mm256_broadcast_ss(a + 3);
    c30 = _mm256_fmadd_ps(ar, b0, c30);
    c31 = _mm256_fmadd_ps(ar, b1, c31);
    ar = _mm256_broadcast_ss(a + 4);
    c40 = _mm256_fmadd_ps(ar, b0, c40);
    c41 = _mm256_fmadd_ps(ar, b1, c41);
    ar = _mm256_broadcast_ss(a + 5);
    c50 = _mm256_fmadd_ps(ar, b0, c50);
    c51 = _mm256_fmadd_ps(ar, b1, c51);
    a += MR;
    b += NR;
  }
  if (rows == MR && cols == NR) {
    __m256 acc[MR][2] = {{c00, c01}, {c10, c11}, {c20, c21}, {c30, c31}, {c40, c41}, {c50, c51}};
    for (int r = 0; r < MR; r++) {
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
  _mm256_storeu_ps(tile + 0 * NR, c00);
  _mm256_storeu_ps(tile + 0 * NR + 8, c01);
  _mm256_storeu_ps(tile + 1 * NR, c10);
  _mm256_storeu_ps(tile + 1 * NR + 8, c11);
  _mm256_storeu_ps(tile + 2 * NR, c20);
  _mm256_storeu_ps(tile + 2 * NR + 8, c21);
  _mm256_storeu_ps(tile + 3 * NR, c30);
  _mm256_storeu_ps(tile + 3 * NR + 8, c31);
  _mm256_storeu_ps(tile + 4 * NR, c40);
  _mm256_storeu_ps(tile + 4 * NR + 8, c41);
  _mm256_storeu_ps(tile + 5 * NR, c50);
  _mm256_storeu_ps(tile + 5 * NR + 8, c51);
  store_tile(tile, c, ldc, rows, cols, accumulate);
}

static int detect_avx2(void) {
  __builtin_cpu_init();
  return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
}
#else
static int detect_avx2(void) { return 0; }
#endif

static int avx2_state = -1;

int strata_kernels_use_avx2(void) {
  int state = __atomic_load_n(&avx2_state, __ATOMIC_RELAXED);
  if (state < 0) {
    state = detect_avx2();
    __atomic_store_n(&avx2_state, state, __ATOMIC_RELAXED);
  }
  return state;
}

void strata_sgemm_micro(ptrdiff_t depth, const float *packedA, const float *packedB, float *c,
                        ptrdiff_t ldc, ptrdiff_t rows, ptrdiff_t cols, int accumulate) {
#if defined(__x86_64__) || defined(__i386__)
  if (strata_kernels_use_avx2()) {
    micro_avx2(depth, packedA, packedB, c, ldc, rows, cols, accumulate);
    return;
  }
#endif
  micro_portable(depth, packedA, packedB, c, ldc, rows, cols, accumulate);
}
