// Direct 2-D convolution for inference: the im2col product computed straight from the images,
// without writing the column matrix. A tile of six output pixels (taken across images, so a
// 3×3 output wastes nothing) meets 16 or 32 filters; each step broadcasts one input value per
// pixel and multiplies it into the filters' weights with fused multiply-adds, as the GEMM
// micro-kernels do. Every output sums its depth in the GEMM's order — the same depth blocks,
// each one FMA chain from zero, the blocks added in turn, then the bias and relu of
// `strata_add_bias_rows` — so it gives the bits of im2col followed by the GEMM.
#include <stdlib.h>

#include "StrataKernels.h"
#include "multiversion.h"

#pragma STDC FP_CONTRACT OFF
#if defined(__clang__)
#pragma clang fp contract(off)
#endif

#define TILE 6
#define LANES 16

typedef float lanes __attribute__((vector_size(LANES * sizeof(float)), aligned(4)));
typedef int lane_mask __attribute__((vector_size(LANES * sizeof(int)), aligned(4)));

// The input rows the tile's pixels read at depth `p`, and how many depth steps they stay
// contiguous: a whole kernel row when every pixel's row lies inside the image and taps are
// adjacent (no dilation), else one tap, padding read from `zeros`.
STRATA_ALWAYS_INLINE long tile_rows(const strata_window *w, const float *x, const long *image,
                                    const long *oh, const long *ow, long p, long end,
                                    const float *zeros, const float **rows) {
  const long c = w->channels, rowDepth = w->kw * c;
  const long i = p / rowDepth, within = p % rowDepth, j = within / c, channel = within % c;
  int wholeRow = w->dilationWidth == 1;
  long ih[TILE], iw[TILE];
  for (int r = 0; r < TILE; r++) {
    ih[r] = oh[r] * w->strideHeight - w->top + i * w->dilationHeight;
    iw[r] = ow[r] * w->strideWidth - w->left;
    wholeRow = wholeRow && ih[r] >= 0 && ih[r] < w->height && iw[r] >= 0 &&
               iw[r] + w->kw <= w->width;
  }
  if (wholeRow) {
    for (int r = 0; r < TILE; r++) {
      rows[r] = x + ((image[r] * w->height + ih[r]) * w->width + iw[r]) * c + within;
    }
    const long rowEnd = p - within + rowDepth;
    return (end < rowEnd ? end : rowEnd) - p;
  }
  for (int r = 0; r < TILE; r++) {
    const long column = iw[r] + j * w->dilationWidth;
    const int inside = ih[r] >= 0 && ih[r] < w->height && column >= 0 && column < w->width;
    rows[r] = inside ? x + ((image[r] * w->height + ih[r]) * w->width + column) * c + channel
                     : zeros;
  }
  const long tapEnd = p - channel + c;
  return (end < tapEnd ? end : tapEnd) - p;
}

// An unaligned load of 16 floats.
#define LOAD(p) (*(const lanes *)(p))

// The products of one depth run (`run` contiguous steps from `rows[r]` and the panels' rows
// from `b0`, `b1`) added into the accumulators.
STRATA_ALWAYS_INLINE void run_product(const float *const rows[TILE], const float *b0,
                                      const float *b1, long run, const int panels,
                                      lanes acc0[TILE], lanes acc1[TILE]) {
  for (long q = 0; q < run; q++) {
    const lanes w0 = LOAD(b0 + q * LANES);
    const lanes w1 = panels == 2 ? LOAD(b1 + q * LANES) : (lanes){0};
    for (int r = 0; r < TILE; r++) {
      // Splatted as `x - 0`, which is `x` itself (even -0), so the compiler broadcasts
      // straight from memory; `0 + x` (-0 becomes +0) cost a scalar add and a register
      // broadcast per pixel and step, on the ports the FMAs need.
      const lanes a = rows[r][q] - (lanes){0};
      acc0[r] = __builtin_elementwise_fma(a, w0, acc0[r]);
      if (panels == 2) acc1[r] = __builtin_elementwise_fma(a, w1, acc1[r]);
    }
  }
}

// One tile against `panels` (1 or 2) panels of 16 filters: accumulators for every depth block,
// the blocks summed into `result`.
//
// When every pixel's window lies inside its image and taps are adjacent along a row, the
// depth is walked kernel row by kernel row from each window's corner, with two divisions per
// depth block; otherwise `tile_rows` finds each run (padding, dilation along rows). Finding
// every run with `tile_rows`, six divisions each, took about a fifth of conv2's time.
STRATA_ALWAYS_INLINE void tile_product(const strata_window *w, const float *x, const long *image,
                                       const long *oh, const long *ow, const float *panel0,
                                       const float *panel1, long depth, long depthBlock,
                                       const float *zeros, const int panels,
                                       lanes result[TILE][2]) {
  const long c = w->channels, rowDepth = w->kw * c;
  const long rowStep = w->dilationHeight * w->width * c;
  const long reach = (w->kh - 1) * w->dilationHeight;
  int inside = w->dilationWidth == 1;
  const float *corner[TILE];
  for (int r = 0; r < TILE; r++) {
    const long ih = oh[r] * w->strideHeight - w->top, iw = ow[r] * w->strideWidth - w->left;
    inside = inside && ih >= 0 && ih + reach < w->height && iw >= 0 && iw + w->kw <= w->width;
    corner[r] = x + ((image[r] * w->height + ih) * w->width + iw) * c;
  }
  for (long k0 = 0; k0 < depth; k0 += depthBlock) {
    const long k1 = k0 + depthBlock < depth ? k0 + depthBlock : depth;
    lanes acc0[TILE], acc1[TILE];
    for (int r = 0; r < TILE; r++) acc0[r] = acc1[r] = (lanes){0};
    long p = k0;
    if (inside) {
      long kernelRow = k0 / rowDepth, within = k0 % rowDepth;
      while (p < k1) {
        const long run = (k1 - p < rowDepth - within ? k1 - p : rowDepth - within);
        const float *rows[TILE];
        for (int r = 0; r < TILE; r++) rows[r] = corner[r] + kernelRow * rowStep + within;
        run_product(rows, panel0 + p * LANES, panel1 + p * LANES, run, panels, acc0, acc1);
        p += run;
        kernelRow += 1;
        within = 0;
      }
    } else {
      while (p < k1) {
        const float *rows[TILE];
        const long run = tile_rows(w, x, image, oh, ow, p, k1, zeros, rows);
        run_product(rows, panel0 + p * LANES, panel1 + p * LANES, run, panels, acc0, acc1);
        p += run;
      }
    }
    for (int r = 0; r < TILE; r++) {
      result[r][0] = k0 == 0 ? acc0[r] : result[r][0] + acc0[r];
      if (panels == 2) result[r][1] = k0 == 0 ? acc1[r] : result[r][1] + acc1[r];
    }
  }
}

// The bias (unless NULL), relu (`v > 0 ? v : 0`, so NaN and -0 become +0 as in `strata_add_bias_rows`) and the
// store of `rows` pixels' outputs for filters [f, f + 16).
STRATA_ALWAYS_INLINE void store_panel(lanes value[TILE][2], int half, long rows,
                                      const float *bias, int relu, long f, long filters, float *y,
                                      long pixel) {
  for (long r = 0; r < rows; r++) {
    lanes v = bias ? value[r][half] + LOAD(bias + f) : value[r][half];
    if (relu) v = (lanes)((lane_mask)v & (lane_mask)(v > (lanes){0}));
    float *out = y + (pixel + r) * filters + f;
    if (f + LANES <= filters) {
      *(lanes *)out = v;
    } else {
      for (long k = 0; k < filters - f; k++) out[k] = v[k];
    }
  }
}

STRATA_ALWAYS_INLINE void conv_body(const strata_window *w, long first, long last,
                                    const float *x, const float *packed, long filters,
                                    long depthBlock, const float *bias, int relu, float *y,
                                    const float *zeros, const int widePanels) {
  const long depth = w->kh * w->kw * w->channels;
  const long panels = (filters + LANES - 1) / LANES;
  const long pixelsPerImage = w->outHeight * w->outWidth;
  const long end = last;
  for (long pixel = first; pixel < end; pixel += TILE) {
    const long rows = end - pixel < TILE ? end - pixel : TILE;
    long image[TILE], oh[TILE], ow[TILE];
    for (int r = 0; r < TILE; r++) {
      // A short last tile repeats its last pixel; the repeats are never stored.
      const long q = pixel + (r < rows ? r : rows - 1);
      const long within = q % pixelsPerImage;
      image[r] = q / pixelsPerImage;
      oh[r] = within / w->outWidth;
      ow[r] = within % w->outWidth;
    }
    long panel = 0;
    lanes result[TILE][2];
    if (widePanels) {
      for (; panel + 1 < panels; panel += 2) {
        const float *panel0 = packed + panel * depth * LANES;
        tile_product(w, x, image, oh, ow, panel0, panel0 + depth * LANES, depth, depthBlock,
                     zeros, 2, result);
        store_panel(result, 0, rows, bias, relu, panel * LANES, filters, y, pixel);
        store_panel(result, 1, rows, bias, relu, (panel + 1) * LANES, filters, y, pixel);
      }
    }
    for (; panel < panels; panel++) {
      const float *panel0 = packed + panel * depth * LANES;
      tile_product(w, x, image, oh, ow, panel0, panel0, depth, depthBlock, zeros, 1, result);
      store_panel(result, 0, rows, bias, relu, panel * LANES, filters, y, pixel);
    }
  }
}

#if defined(__x86_64__) || defined(__i386__)
// Two panels (32 filters, 12 zmm accumulators) with AVX-512, one (12 ymm) with AVX2.
__attribute__((target("avx512f"))) static void conv_avx512(
    const strata_window *w, long first, long last, const float *x, const float *packed,
    long filters, long depthBlock, const float *bias, int relu, float *y, const float *zeros) {
  conv_body(w, first, last, x, packed, filters, depthBlock, bias, relu, y, zeros, 1);
}
__attribute__((target("avx2,fma"))) static void conv_avx2(
    const strata_window *w, long first, long last, const float *x, const float *packed,
    long filters, long depthBlock, const float *bias, int relu, float *y, const float *zeros) {
  conv_body(w, first, last, x, packed, filters, depthBlock, bias, relu, y, zeros, 0);
}
#else
static void conv_vector(const strata_window *w, long first, long last, const float *x,
                        const float *packed, long filters, long depthBlock, const float *bias,
                        int relu, float *y, const float *zeros) {
  conv_body(w, first, last, x, packed, filters, depthBlock, bias, relu, y, zeros, 0);
}
#endif

int strata_conv2d_direct_available(void) {
#if defined(__x86_64__) || defined(__i386__)
  return strata_gemm_best_kernel() != STRATA_GEMM_KERNEL_PORTABLE;
#elif defined(__aarch64__)
  return 1;
#else
  return 0;
#endif
}

int strata_conv2d_direct(const strata_window *w, long first, long last, const float *x,
                         const float *packed, long filters, long depthBlock, const float *bias,
                         int relu, float *y) {
  float *zeros = calloc((size_t)w->channels, sizeof(float));
  if (zeros == NULL) return 0;
#if defined(__x86_64__) || defined(__i386__)
  if (strata_gemm_best_kernel() == STRATA_GEMM_KERNEL_AVX512) {
    conv_avx512(w, first, last, x, packed, filters, depthBlock, bias, relu, y, zeros);
  } else {
    conv_avx2(w, first, last, x, packed, filters, depthBlock, bias, relu, y, zeros);
  }
#else
  conv_vector(w, first, last, x, packed, filters, depthBlock, bias, relu, y, zeros);
#endif
  free(zeros);
  return 1;
}
