// Packing GEMM operands into the micro-kernels' panels: the right-hand operand into panels of
// `panel_width` columns (16 or 32) stored row by row, the left-hand one into panels of
// STRATA_GEMM_MR rows stored column by column; both zero-padded. Copies only, vectorised per
// instruction set.
#include <string.h>

#include "StrataKernels.h"
#include "multiversion.h"

// Rows packed together: a block of eight rows of B is read row by row (contiguous in memory)
// and written as eight consecutive rows of every panel. Going down one panel at a time
// instead reads B with a stride of a whole row per step, which the hardware prefetcher
// follows poorly: on a Zen 3 packing 1024×1024 took 0.39 ms panel by panel and 0.17 ms in
// blocks of eight rows.
#define PACK_ROW_BLOCK 8

// Copies `width` floats and zero-fills the panel row up to `panel_width`. The full-width
// cases have constant sizes so that they become vector moves.
STRATA_ALWAYS_INLINE void copy_panel_row(float *restrict out, const float *restrict in,
                                         ptrdiff_t width, ptrdiff_t panel_width) {
  if (width == 16 && panel_width == 16) {
    memcpy(out, in, 16 * sizeof(float));
  } else if (width == 32 && panel_width == 32) {
    memcpy(out, in, 32 * sizeof(float));
  } else {
    for (ptrdiff_t j = 0; j < width; j++) out[j] = in[j];
    for (ptrdiff_t j = width; j < panel_width; j++) out[j] = 0;
  }
}

STRATA_ALWAYS_INLINE void pack_b_body(const float *b, ptrdiff_t ldb, int transposed,
                                      ptrdiff_t rows, ptrdiff_t columns, ptrdiff_t panel_width,
                                      float *packed) {
  if (!transposed) {
    for (ptrdiff_t p0 = 0; p0 < rows; p0 += PACK_ROW_BLOCK) {
      ptrdiff_t height = rows - p0 < PACK_ROW_BLOCK ? rows - p0 : PACK_ROW_BLOCK;
      for (ptrdiff_t panel = 0; panel < columns; panel += panel_width) {
        ptrdiff_t width = columns - panel < panel_width ? columns - panel : panel_width;
        float *out = packed + panel * rows + p0 * panel_width;
        const float *in = b + p0 * ldb + panel;
        for (ptrdiff_t q = 0; q < height; q++) {
          // The same panel's rows in the next block: B usually comes from memory, and
          // fetching it one block ahead halved the packing time of 784×512 on a Zen 3.
          if (p0 + PACK_ROW_BLOCK + q < rows) {
            __builtin_prefetch(in + (PACK_ROW_BLOCK + q) * ldb);
          }
          copy_panel_row(out + q * panel_width, in + q * ldb, width, panel_width);
        }
      }
    }
    return;
  }
  // op(B)[p, j] = B[j, p]: each panel column is contiguous in B. Read 16 depth steps of a
  // column at a time and scatter them over 16 panel rows, which stay in L1.
  for (ptrdiff_t panel = 0; panel < columns; panel += panel_width) {
    ptrdiff_t width = columns - panel < panel_width ? columns - panel : panel_width;
    float *out = packed + panel * rows;
    for (ptrdiff_t p0 = 0; p0 < rows; p0 += 16) {
      ptrdiff_t depth = rows - p0 < 16 ? rows - p0 : 16;
      for (ptrdiff_t j = 0; j < panel_width; j++) {
        float *dst = out + p0 * panel_width + j;
        if (j < width) {
          const float *src = b + (panel + j) * ldb + p0;
          for (ptrdiff_t q = 0; q < depth; q++) dst[q * panel_width] = src[q];
        } else {
          for (ptrdiff_t q = 0; q < depth; q++) dst[q * panel_width] = 0;
        }
      }
    }
  }
}

STRATA_MULTIVERSION(pack_b,
                    (const float *b, ptrdiff_t ldb, int transposed, ptrdiff_t rows,
                     ptrdiff_t columns, ptrdiff_t panel_width, float *packed),
                    (b, ldb, transposed, rows, columns, panel_width, packed))

void strata_gemm_pack_b(const float *b, ptrdiff_t ldb, int transposed, ptrdiff_t rows,
                        ptrdiff_t columns, ptrdiff_t panelWidth, float *packed) {
  pack_b_dispatch(b, ldb, transposed, rows, columns, panelWidth, packed);
}

STRATA_ALWAYS_INLINE void pack_a_body(const float *a, ptrdiff_t lda, ptrdiff_t rows,
                                      ptrdiff_t columns, float *packed) {
  const ptrdiff_t mr = STRATA_GEMM_MR;
  for (ptrdiff_t panel = 0; panel < rows; panel += mr) {
    ptrdiff_t height = rows - panel < mr ? rows - panel : mr;
    float *out = packed + panel * columns;
    if (height == mr) {
      // Six row streams read side by side, one column of the panel written at a time.
      const float *in = a + panel * lda;
      for (ptrdiff_t p = 0; p < columns; p++) {
        for (ptrdiff_t r = 0; r < mr; r++) out[p * mr + r] = in[r * lda + p];
      }
    } else {
      const float *in = a + panel * lda;
      for (ptrdiff_t p = 0; p < columns; p++) {
        for (ptrdiff_t r = 0; r < height; r++) out[p * mr + r] = in[r * lda + p];
        for (ptrdiff_t r = height; r < mr; r++) out[p * mr + r] = 0;
      }
    }
  }
}

STRATA_ALWAYS_INLINE void pack_transposed_a_body(const float *a, ptrdiff_t lda, ptrdiff_t rows,
                                                  ptrdiff_t columns, float *packed) {
  // op(A)[i, p] = A[p, i]: the MR values of a panel column are contiguous in A, and a row of A
  // holds that column of every panel. Eight rows of A are read row by row and spread over
  // the panels, with the next eight prefetched: going down one panel at a time instead read
  // A with a stride of a whole row per step, and a convolution's kernel gradient (A = the
  // im2col matrix, 7744 rows of 288 for conv2) spent 8% of a training epoch packing it on a
  // Zen 3.
  const ptrdiff_t mr = STRATA_GEMM_MR;
  for (ptrdiff_t p0 = 0; p0 < columns; p0 += PACK_ROW_BLOCK) {
    ptrdiff_t depth = columns - p0 < PACK_ROW_BLOCK ? columns - p0 : PACK_ROW_BLOCK;
    for (ptrdiff_t q = 0; q < depth; q++) {
      if (p0 + PACK_ROW_BLOCK + q < columns) {
        const char *next = (const char *)(a + (p0 + PACK_ROW_BLOCK + q) * lda);
        for (ptrdiff_t at = 0; at < rows * (ptrdiff_t)sizeof(float); at += 64) {
          __builtin_prefetch(next + at);
        }
      }
    }
    for (ptrdiff_t panel = 0; panel < rows; panel += mr) {
      ptrdiff_t height = rows - panel < mr ? rows - panel : mr;
      float *out = packed + panel * columns + p0 * mr;
      const float *in = a + p0 * lda + panel;
      if (height == STRATA_GEMM_MR) {
        // A fixed size, so the six values move as two vector moves, not a loop of six.
        for (ptrdiff_t q = 0; q < depth; q++) {
          memcpy(out + q * STRATA_GEMM_MR, in + q * lda, STRATA_GEMM_MR * sizeof(float));
        }
        continue;
      }
      for (ptrdiff_t q = 0; q < depth; q++) {
        for (ptrdiff_t r = 0; r < height; r++) out[q * mr + r] = in[q * lda + r];
        for (ptrdiff_t r = height; r < mr; r++) out[q * mr + r] = 0;
      }
    }
  }
}

STRATA_MULTIVERSION(pack_transposed_a,
                    (const float *a, ptrdiff_t lda, ptrdiff_t rows, ptrdiff_t columns,
                     float *packed),
                    (a, lda, rows, columns, packed))

STRATA_MULTIVERSION(pack_a,
                    (const float *a, ptrdiff_t lda, ptrdiff_t rows, ptrdiff_t columns,
                     float *packed),
                    (a, lda, rows, columns, packed))

void strata_gemm_pack_a(const float *a, ptrdiff_t lda, int transposed, ptrdiff_t rows,
                        ptrdiff_t columns, float *packed) {
  if (transposed) {
    pack_transposed_a_dispatch(a, lda, rows, columns, packed);
  } else {
    pack_a_dispatch(a, lda, rows, columns, packed);
  }
}
