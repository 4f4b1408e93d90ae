#ifndef STRATA_KERNELS_H
#define STRATA_KERNELS_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/// Rows of the GEMM micro-tile (the height of a packed panel of A).
#define STRATA_GEMM_MR 6
/// Columns of the GEMM micro-tile (the width of a packed panel of B).
#define STRATA_GEMM_NR 16

/// C[0..<rows, 0..<cols] (=|+=) A · Bpanel over `depth` steps.
///
/// Element (r, p) of A is read at `a[r * aRowStride + p * aDepthStride]`: a packed panel has
/// strides (1, STRATA_GEMM_MR), a row-major matrix read in place has (lda, 1). Rows of A at or
/// beyond `rows` are never read. `packedB` holds `depth` groups of STRATA_GEMM_NR floats (one
/// row of the B panel each, zero-padded), so `cols` <= NR only limits what is written to C.
/// `accumulate` != 0 adds to C, otherwise C is overwritten.
void strata_sgemm_micro(ptrdiff_t depth, const float *a, ptrdiff_t aRowStride,
                        ptrdiff_t aDepthStride, const float *packedB, float *c, ptrdiff_t ldc,
                        ptrdiff_t rows, ptrdiff_t cols, int accumulate);

/// A task of a parallel loop: runs part `part` of the work described by `context`.
typedef void (*strata_task_fn)(void *context, long part);

/// Runs `fn(context, 0..<parts)` on up to `threads` threads (the caller's included) of a
/// persistent pool, returning when every part is done. Serial when `threads` <= 1, when
/// called from inside a task, or while another thread uses the pool.
void strata_parallel_run(long parts, int threads, strata_task_fn fn, void *context);

/// Keeps freed tensor-sized buffers in the process instead of unmapping them (glibc only).
void strata_tune_allocator(void);

/// 1 when the AVX2+FMA micro-kernel is in use on this CPU, 0 for the portable one.
int strata_kernels_use_avx2(void);

#ifdef __cplusplus
}
#endif

#endif
