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

/// C[0..<rows, 0..<cols] (=|+=) Apanel · Bpanel over `depth` steps.
///
/// `packedA` holds `depth` groups of STRATA_GEMM_MR floats (one column of the A panel each),
/// `packedB` holds `depth` groups of STRATA_GEMM_NR floats (one row of the B panel each).
/// Panels are zero-padded, so `rows` <= MR and `cols` <= NR only limit what is written to C.
/// `accumulate` != 0 adds to C, otherwise C is overwritten.
void strata_sgemm_micro(ptrdiff_t depth, const float *packedA, const float *packedB,
                        float *c, ptrdiff_t ldc, ptrdiff_t rows, ptrdiff_t cols,
                        int accumulate);

/// 1 when the AVX2+FMA micro-kernel is in use on this CPU, 0 for the portable one.
int strata_kernels_use_avx2(void);

#ifdef __cplusplus
}
#endif

#endif
