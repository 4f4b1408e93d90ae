// Packing for the GEMM: copies blocks of op(A) and op(B) into the panel layout the
// micro-kernels read (zero-padded), vectorised by the compiler for each instruction set.
#include "StrataKernels.h"
#include "multiversion.h"

#define MR STRATA_GEMM_MR

// op(B) block of `rows` (depth) × `columns`, starting at `b`: element (p, j) is
// b[p * ldb + j], or b[j * ldb + p] when transposed. Panels of `nr` columns, row by row.
STRATA_ALWAYS_INLINE void pack_b_body(const float *restrict b, long ldb, int transposed,
                                      long rows, long columns, long nr, float *restrict out) {
  for (long panel = 0; panel < columns; panel += nr) {
    long width = columns - panel < nr ? columns - panel : nr;
    float *restrict dst = out + panel * rows;
    if (!transposed) {
      for (long p = 0; p < rows; p++) {
        const float *src = b + p * ldb + panel;
        float *row = dst + p * nr;
        for (long j = 0; j < width; j++) row[j] = src[j];
        for (long j = width; j < nr; j++) row[j] = 0;
      }
      continue;
    }
    // Each column of the panel is contiguous in B: read 16 depth steps of it at a time and
    // scatter them into 16 panel rows, which stay in L1.
    for (long p0 = 0; p0 < rows; p0 += 16) {
      long depth = rows - p0 < 16 ? rows - p0 : 16;
      for (long j = 0; j < nr; j++) {
        if (j < width) {
          const float *src = b + (panel + j) * ldb + p0;
          for (long q = 0; q < depth; q++) dst[(p0 + q) * nr + j] = src[q];
        } else {
          for (long q = 0; q < depth; q++) dst[(p0 + q) * nr + j] = 0;
        }
      }
    }
  }
}

// Transposed op(A) block of `rows` × `columns` (depth) starting at `a`: element (i, p) is
// a[p * lda + i]. Panels of MR rows, column by column.
STRATA_ALWAYS_INLINE void pack_a_transposed_body(const float *restrict a, long lda, long rows,
                                                 long columns, float *restrict out) {
  for (long panel = 0; panel < rows; panel += MR) {
    long height = rows - panel < MR ? rows - panel : MR;
    float *restrict dst = out + panel * columns;
    if (height == MR) {
      for (long p = 0; p < columns; p++) {
        const float *src = a + p * lda + panel;
        for (long r = 0; r < MR; r++) dst[p * MR + r] = src[r];
      }
    } else {
      for (long p = 0; p < columns; p++) {
        const float *src = a + p * lda + panel;
        for (long r = 0; r < height; r++) dst[p * MR + r] = src[r];
        for (long r = height; r < MR; r++) dst[p * MR + r] = 0;
      }
    }
  }
}

STRATA_MULTIVERSION(pack_b,
                    (const float *b, long ldb, int transposed, long rows, long columns, long nr,
                     float *out),
                    (b, ldb, transposed, rows, columns, nr, out))
STRATA_MULTIVERSION(pack_a_transposed,
                    (const float *a, long lda, long rows, long columns, float *out),
                    (a, lda, rows, columns, out))

void strata_gemm_pack_b(const float *b, long ldb, int transposed, long rows, long columns,
                        long nr, float *out) {
  pack_b_dispatch(b, ldb, transposed, rows, columns, nr, out);
}

void strata_gemm_pack_a_transposed(const float *a, long lda, long rows, long columns,
                                   float *out) {
  pack_a_transposed_dispatch(a, lda, rows, columns, out);
}
