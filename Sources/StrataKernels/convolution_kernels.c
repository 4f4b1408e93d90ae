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
// Pooling windows of at most this many taps are pooled in registers.
#define POOL_TAPS 16

// What every tile of one call reads besides the images and filters: a channel's worth of
// zeros (the padding) and the window offsets of `window_offsets`.
typedef struct {
  const float *zeros;
  const long *offsets;
} conv_tables;

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

// The products of `pixels` (at most TILE) windows read at `corner[r] + offsets[p]` for p in
// [p0, p1) (no runs: the offsets of a window inside its image are the same for every pixel)
// added into the accumulators.
STRATA_ALWAYS_INLINE void offset_product(const float *const corner[TILE], const long *offsets,
                                         const float *b0, const float *b1, long p0, long p1,
                                         const int panels, const int pixels, lanes acc0[TILE],
                                         lanes acc1[TILE]) {
  for (long p = p0; p < p1; p++) {
    const long at = offsets[p];
    const lanes w0 = LOAD(b0 + p * LANES);
    const lanes w1 = panels == 2 ? LOAD(b1 + p * LANES) : (lanes){0};
    for (int r = 0; r < pixels; r++) {
      const lanes a = corner[r][at] - (lanes){0};  // a broadcast of x itself, as above
      acc0[r] = __builtin_elementwise_fma(a, w0, acc0[r]);
      if (panels == 2) acc1[r] = __builtin_elementwise_fma(a, w1, acc1[r]);
    }
  }
}

// Where a tile's windows start (`corner`), and whether all of them lie inside their images
// with adjacent taps along a row (`inside`): computed once a tile, for all its panels.
STRATA_ALWAYS_INLINE int tile_corners(const strata_window *w, const float *x, const long *image,
                                      const long *oh, const long *ow,
                                      const float *corner[TILE]) {
  const long reach = (w->kh - 1) * w->dilationHeight;
  int inside = w->dilationWidth == 1;
  for (int r = 0; r < TILE; r++) {
    const long ih = oh[r] * w->strideHeight - w->top, iw = ow[r] * w->strideWidth - w->left;
    inside = inside && ih >= 0 && ih + reach < w->height && iw >= 0 && iw + w->kw <= w->width;
    corner[r] = x + ((image[r] * w->height + ih) * w->width + iw) * w->channels;
  }
  return inside;
}

// Kernel rows of at least this many values (kw · channels) are walked run by run from the
// windows' corners; shorter ones go through the offset table in one loop.
#define LONG_RUN 16

// One tile against `panels` (1 or 2) panels of 16 filters: accumulators for every depth block,
// the blocks summed into `result`.
//
// When every window lies inside its image (`inside`), the depth is walked from the corners:
// kernel row by kernel row when rows are long, and through `offsets` (depth step p of every
// window is `offsets[p]` from its corner) when they are short — a run per kernel row and
// panel for a 3×3 kernel on one channel (runs of 3) cost more than its multiply-adds, and the
// table costs a load a step, which long rows need not pay. Otherwise `tile_rows` finds each
// contiguous run (padding, dilation along rows); finding every run that way, six divisions
// each, had taken about a fifth of conv2's time.
STRATA_ALWAYS_INLINE void tile_product(const strata_window *w, const float *x, const long *image,
                                       const long *oh, const long *ow,
                                       const float *const corner[TILE], int inside,
                                       const long *offsets, const float *panel0,
                                       const float *panel1, long depth, long depthBlock,
                                       const float *zeros, const int panels,
                                       lanes result[TILE][2]) {
  const long rowDepth = w->kw * w->channels;
  const long rowStep = w->dilationHeight * w->width * w->channels;
  for (long k0 = 0; k0 < depth; k0 += depthBlock) {
    const long k1 = k0 + depthBlock < depth ? k0 + depthBlock : depth;
    lanes acc0[TILE], acc1[TILE];
    for (int r = 0; r < TILE; r++) acc0[r] = acc1[r] = (lanes){0};
    long p = k0;
    if (inside && rowDepth < LONG_RUN) {
      offset_product(corner, offsets, panel0, panel1, k0, k1, panels, TILE, acc0, acc1);
    } else if (inside) {
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

// Where depth step p of a window lies from the window's corner, for windows inside their
// image with adjacent taps along a row: kernel row p / (kw·c) down, then p % (kw·c) along.
STRATA_ALWAYS_INLINE void window_offsets(const strata_window *w, long *offsets) {
  const long rowDepth = w->kw * w->channels;
  const long rowStep = w->dilationHeight * w->width * w->channels;
  long p = 0;
  for (long i = 0; i < w->kh; i++) {
    for (long q = 0; q < rowDepth; q++) offsets[p++] = i * rowStep + q;
  }
}

// The bias (unless NULL), relu (`v > 0 ? v : 0`, so NaN and -0 become +0 as in `strata_add_bias_rows`) and the
// store of `rows` pixels' outputs for filters [f, f + 16).
STRATA_ALWAYS_INLINE void store_panel(lanes value[TILE][2], int half, long rows,
                                      const float *bias, int relu, long f, long filters, float *y,
                                      long pixel) {
  // `pixel` counts from the pixel stored at `y`.
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

// Output pixels [first, last) of the batch (flat over images and positions) into `y`, which
// holds pixel `first` first.
STRATA_ALWAYS_INLINE void conv_body(const strata_window *w, long first, long last,
                                    const float *x, const float *packed, long filters,
                                    long depthBlock, const float *bias, int relu, float *y,
                                    const conv_tables *tables, const int widePanels) {
  const long depth = w->kh * w->kw * w->channels;
  const long *offsets = tables->offsets;
  const float *zeros = tables->zeros;
  const long panels = (filters + LANES - 1) / LANES;
  const long pixelsPerImage = w->outHeight * w->outWidth;
  const long end = last;
  // Where pixel `first` is; later pixels are found by stepping (dividing for each pixel of
  // each tile cost about 24 divisions a tile, three times the arithmetic of a 3×3×1 kernel).
  long atImage = first / pixelsPerImage, atRow = (first % pixelsPerImage) / w->outWidth;
  long atColumn = first % w->outWidth;
  for (long pixel = first; pixel < end; pixel += TILE) {
    const long rows = end - pixel < TILE ? end - pixel : TILE;
    long image[TILE], oh[TILE], ow[TILE];
    for (int r = 0; r < TILE; r++) {
      // A short last tile repeats its last pixel; the repeats are never stored.
      image[r] = atImage;
      oh[r] = atRow;
      ow[r] = atColumn;
      if (r + 1 < rows && ++atColumn == w->outWidth) {
        atColumn = 0;
        if (++atRow == w->outHeight) {
          atRow = 0;
          atImage++;
        }
      }
    }
    // On to the first pixel of the next tile.
    if (++atColumn == w->outWidth) {
      atColumn = 0;
      if (++atRow == w->outHeight) {
        atRow = 0;
        atImage++;
      }
    }
    const float *corner[TILE];
    const int inside = tile_corners(w, x, image, oh, ow, corner);
    long panel = 0;
    lanes result[TILE][2];
    if (widePanels) {
      for (; panel + 1 < panels; panel += 2) {
        const float *panel0 = packed + panel * depth * LANES;
        tile_product(w, x, image, oh, ow, corner, inside, offsets, panel0, panel0 + depth * LANES,
                     depth, depthBlock, zeros, 2, result);
        store_panel(result, 0, rows, bias, relu, panel * LANES, filters, y, pixel - first);
        store_panel(result, 1, rows, bias, relu, (panel + 1) * LANES, filters, y,
                    pixel - first);
      }
    }
    for (; panel < panels; panel++) {
      const float *panel0 = packed + panel * depth * LANES;
      tile_product(w, x, image, oh, ow, corner, inside, offsets, panel0, panel0, depth,
                   depthBlock, zeros, 1, result);
      store_panel(result, 0, rows, bias, relu, panel * LANES, filters, y, pixel - first);
    }
  }
}


// Conv output rows needed at most per band: the pooled rows of a band are chosen so that
// their convolution rows take about this many floats (24 KB, in L1 while they are pooled).
#define BAND_FLOATS 6144

// The taps of pooling window (po, pw) that lie inside its input, in row-major window order:
// their rows and columns in the pooling's input, and how many there are (at most POOL_TAPS).
STRATA_ALWAYS_INLINE int window_taps(const strata_window *p, long po, long pw, long rows[],
                                     long columns[]) {
  int count = 0;
  for (long i = 0; i < p->kh; i++) {
    const long ih = po * p->strideHeight - p->top + i * p->dilationHeight;
    if (ih < 0 || ih >= p->height) continue;
    for (long j = 0; j < p->kw; j++) {
      const long iw = pw * p->strideWidth - p->left + j * p->dilationWidth;
      if (iw < 0 || iw >= p->width) continue;
      rows[count] = ih;
      columns[count++] = iw;
    }
  }
  return count;
}

// Pooled rows [po0, po1) of image `n` from `band`, which holds its convolution output rows
// [r0, …) (every column and filter): each window's maximum over its real pixels, compared in
// row-major window order with `>` from -∞, as `strata_max_pool` does.
STRATA_ALWAYS_INLINE void pool_band(const strata_window *p, const float *restrict band, long r0,
                                    long po0, long po1, float *restrict y) {
  const long c = p->channels;
  // With at most POOL_TAPS taps a window's maximum is kept in registers, 16 channels at a
  // time, and stored once; reading and writing the output at every tap had taken 15% of the
  // first convolution's fused time.
  const int inRegisters = c % LANES == 0 && p->kh * p->kw <= POOL_TAPS;
  for (long po = po0; po < po1; po++) {
    for (long pw = 0; pw < p->outWidth; pw++) {
      float *out = y + (po * p->outWidth + pw) * c;
      if (inRegisters) {
        long rows[POOL_TAPS], columns[POOL_TAPS];
        const int count = window_taps(p, po, pw, rows, columns);
        const float *taps[POOL_TAPS];
        for (int t = 0; t < count; t++) {
          taps[t] = band + ((rows[t] - r0) * p->width + columns[t]) * c;
        }
        for (long k = 0; k < c; k += LANES) {
          lanes m = (lanes){0} - __builtin_inff();
          for (int t = 0; t < count; t++) {
            const lanes v = LOAD(taps[t] + k);
            const lane_mask larger = v > m;
            m = (lanes)(((lane_mask)v & larger) | ((lane_mask)m & ~larger));
          }
          *(lanes *)(out + k) = m;
        }
        continue;
      }
      for (long k = 0; k < c; k++) out[k] = -__builtin_inff();
      for (long i = 0; i < p->kh; i++) {
        const long ih = po * p->strideHeight - p->top + i * p->dilationHeight;
        if (ih < 0 || ih >= p->height) continue;
        for (long j = 0; j < p->kw; j++) {
          const long iw = pw * p->strideWidth - p->left + j * p->dilationWidth;
          if (iw < 0 || iw >= p->width) continue;
          const float *in = band + ((ih - r0) * p->width + iw) * c;
          for (long k = 0; k < c; k++) out[k] = in[k] > out[k] ? in[k] : out[k];
        }
      }
    }
  }
}

// The convolution rows pooled rows [po0, po1) read: [*low, *high).
STRATA_ALWAYS_INLINE void band_rows(const strata_window *p, long po0, long po1, long *low,
                                    long *high) {
  const long first = po0 * p->strideHeight - p->top;
  const long last = (po1 - 1) * p->strideHeight - p->top + (p->kh - 1) * p->dilationHeight + 1;
  *low = first < 0 ? 0 : first;
  *high = last > p->height ? p->height : last;
}

// Whether every convolution window of `w` lies inside its image with adjacent taps along a row
// (no padding, no dilation along rows), so each window is its corner plus the offset table.
STRATA_ALWAYS_INLINE int windows_inside(const strata_window *w) {
  return w->top == 0 && w->left == 0 && w->dilationWidth == 1 &&
         (w->outHeight - 1) * w->strideHeight + (w->kh - 1) * w->dilationHeight < w->height &&
         (w->outWidth - 1) * w->strideWidth + w->kw <= w->width;
}

// Convolution pixels computed together by `pooled_pixel`: enough independent FMA chains
// (4 pixels × 16 filters: 8 on AVX2) to keep both FMA pipes busy.
#define GROUP 4

// One pooled pixel of the shallow path, for filters [f, f + 16 · panels): the convolution
// pixels its window reads (`corner`, `count` of them, in row-major window order) computed four
// at a time in registers, each one FMA chain over the depth from zero, then the bias and relu
// of `store_panel`, then pooled as `pool_band` pools (`v > m` from -∞, in window order). A
// last group of fewer than four repeats its last pixel: a repeat never beats its equal.
STRATA_ALWAYS_INLINE void pooled_pixel(const float *const corner[POOL_TAPS], int count,
                                       const long *offsets, long depth, const float *panel0,
                                       const float *panel1, const float *bias, int relu, long f,
                                       long filters, float *out, const int panels) {
  lanes m0 = (lanes){0} - __builtin_inff(), m1 = m0;
  for (int t = 0; t < count; t += GROUP) {
    const float *at[TILE];
    for (int k = 0; k < GROUP; k++) at[k] = corner[t + k < count ? t + k : count - 1];
    lanes acc0[TILE], acc1[TILE];
    for (int k = 0; k < GROUP; k++) acc0[k] = acc1[k] = (lanes){0};
    offset_product(at, offsets, panel0, panel1, 0, depth, panels, GROUP, acc0, acc1);
    for (int k = 0; k < GROUP; k++) {
      lanes v = bias ? acc0[k] + LOAD(bias + f) : acc0[k];
      if (relu) v = (lanes)((lane_mask)v & (lane_mask)(v > (lanes){0}));
      lane_mask larger = v > m0;
      m0 = (lanes)(((lane_mask)v & larger) | ((lane_mask)m0 & ~larger));
      if (panels == 2) {
        v = bias ? acc1[k] + LOAD(bias + f + LANES) : acc1[k];
        if (relu) v = (lanes)((lane_mask)v & (lane_mask)(v > (lanes){0}));
        larger = v > m1;
        m1 = (lanes)(((lane_mask)v & larger) | ((lane_mask)m1 & ~larger));
      }
    }
  }
  for (int half = 0; half < panels; half++) {
    const lanes m = half == 0 ? m0 : m1;
    const long first = f + half * LANES;
    if (first + LANES <= filters) {
      *(lanes *)(out + first) = m;
    } else {
      for (long k = 0; k < filters - first; k++) out[first + k] = m[k];
    }
  }
}

// Image `n`'s pooled pixels for a shallow convolution (its depth one block, short kernel rows,
// every window inside the image, as a first layer on one channel): each pooled pixel's
// convolution pixels computed in registers and pooled there, never stored. Tiles of six
// pixels had spent most of their time setting up and storing what nine multiply-adds a filter
// produced (about 21 GFLOP/s for the ch. 8 convnet's first layer on one Zen 3 thread).
STRATA_ALWAYS_INLINE void shallow_pool_image(const strata_window *w, const strata_window *p,
                                             long n, const float *x, const float *packed,
                                             long filters, const float *bias, int relu,
                                             const long *offsets, float *y,
                                             const int widePanels) {
  const long depth = w->kh * w->kw * w->channels;
  const long panels = (filters + LANES - 1) / LANES;
  const float *image = x + n * w->height * w->width * w->channels;
  for (long po = 0; po < p->outHeight; po++) {
    for (long pw = 0; pw < p->outWidth; pw++) {
      long rows[POOL_TAPS], columns[POOL_TAPS];
      const int count = window_taps(p, po, pw, rows, columns);
      const float *corner[POOL_TAPS];
      for (int t = 0; t < count; t++) {
        corner[t] = image + (rows[t] * w->strideHeight * w->width + columns[t] * w->strideWidth) *
                                w->channels;
      }
      float *out = y + (po * p->outWidth + pw) * filters;
      if (count == 0) {
        for (long k = 0; k < filters; k++) out[k] = -__builtin_inff();
        continue;
      }
      long panel = 0;
      if (widePanels) {
        for (; panel + 1 < panels; panel += 2) {
          const float *panel0 = packed + panel * depth * LANES;
          pooled_pixel(corner, count, offsets, depth, panel0, panel0 + depth * LANES, bias, relu,
                       panel * LANES, filters, out, 2);
        }
      }
      for (; panel < panels; panel++) {
        const float *panel0 = packed + panel * depth * LANES;
        pooled_pixel(corner, count, offsets, depth, panel0, panel0, bias, relu, panel * LANES,
                     filters, out, 1);
      }
    }
  }
}

// Images [first, last): each image's pooled rows in bands, each band's convolution rows
// computed into `scratch` and pooled from there.
STRATA_ALWAYS_INLINE void conv_pool_body(const strata_window *w, const strata_window *p,
                                         long first, long last, const float *x,
                                         const float *packed, long filters, long depthBlock,
                                         const float *bias, int relu, float *y,
                                         const conv_tables *tables, float *scratch, long bandRows,
                                         const int widePanels) {
  const long pixelsPerImage = w->outHeight * w->outWidth;
  const long pooledPerImage = p->outHeight * p->outWidth * filters;
  const long depth = w->kh * w->kw * w->channels;
  if (w->kw * w->channels < LONG_RUN && depth <= depthBlock && windows_inside(w) &&
      p->kh * p->kw <= POOL_TAPS) {
    for (long n = first; n < last; n++) {
      shallow_pool_image(w, p, n, x, packed, filters, bias, relu, tables->offsets,
                         y + n * pooledPerImage, widePanels);
    }
    return;
  }
  for (long n = first; n < last; n++) {
    for (long po0 = 0; po0 < p->outHeight; po0 += bandRows) {
      const long po1 = po0 + bandRows < p->outHeight ? po0 + bandRows : p->outHeight;
      long low, high;
      band_rows(p, po0, po1, &low, &high);
      if (low >= high) {
        pool_band(p, scratch, low, po0, po1, y + n * pooledPerImage);
        continue;
      }
      const long pixel = n * pixelsPerImage + low * w->outWidth;
      conv_body(w, pixel, pixel + (high - low) * w->outWidth, x, packed, filters, depthBlock, bias,
                relu, scratch, tables, widePanels);
      pool_band(p, scratch, low, po0, po1, y + n * pooledPerImage);
    }
  }
}
#define CONV_ARGUMENTS                                                                        \
  const strata_window *w, long first, long last, const float *x, const float *packed,         \
      long filters, long depthBlock, const float *bias, int relu, float *y,                    \
      const conv_tables *tables
#define POOL_ARGUMENTS                                                                        \
  const strata_window *w, const strata_window *p, long first, long last, const float *x,      \
      const float *packed, long filters, long depthBlock, const float *bias, int relu,         \
      float *y, const conv_tables *tables, float *scratch, long bandRows

#if defined(__x86_64__) || defined(__i386__)
// Two panels (32 filters, 12 zmm accumulators) with AVX-512, one (12 ymm) with AVX2.
__attribute__((target("avx512f"))) static void conv_avx512(CONV_ARGUMENTS) {
  conv_body(w, first, last, x, packed, filters, depthBlock, bias, relu, y, tables, 1);
}
__attribute__((target("avx2,fma"))) static void conv_avx2(CONV_ARGUMENTS) {
  conv_body(w, first, last, x, packed, filters, depthBlock, bias, relu, y, tables, 0);
}
__attribute__((target("avx512f"))) static void conv_pool_avx512(POOL_ARGUMENTS) {
  conv_pool_body(w, p, first, last, x, packed, filters, depthBlock, bias, relu, y, tables,
                 scratch, bandRows, 1);
}
__attribute__((target("avx2,fma"))) static void conv_pool_avx2(POOL_ARGUMENTS) {
  conv_pool_body(w, p, first, last, x, packed, filters, depthBlock, bias, relu, y, tables,
                 scratch, bandRows, 0);
}
#else
static void conv_vector(CONV_ARGUMENTS) {
  conv_body(w, first, last, x, packed, filters, depthBlock, bias, relu, y, tables, 0);
}
static void conv_pool_vector(POOL_ARGUMENTS) {
  conv_pool_body(w, p, first, last, x, packed, filters, depthBlock, bias, relu, y, tables,
                 scratch, bandRows, 0);
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

// The zeros and window offsets of a call in one allocation, or NULL without memory.
static void *make_tables(const strata_window *w, conv_tables *tables) {
  const long depth = w->kh * w->kw * w->channels;
  long *offsets = malloc((size_t)depth * sizeof(long));
  float *zeros = calloc((size_t)w->channels, sizeof(float));
  if (offsets == NULL || zeros == NULL) {
    free(offsets);
    free(zeros);
    return NULL;
  }
  window_offsets(w, offsets);
  tables->offsets = offsets;
  tables->zeros = zeros;
  return offsets;
}

static void free_tables(conv_tables *tables) {
  free((void *)tables->offsets);
  free((void *)tables->zeros);
}

int strata_conv2d_direct(const strata_window *w, long first, long last, const float *x,
                         const float *packed, long filters, long depthBlock, const float *bias,
                         int relu, float *y) {
  conv_tables tables;
  if (make_tables(w, &tables) == NULL) return 0;
  float *out = y + first * filters;
#if defined(__x86_64__) || defined(__i386__)
  if (strata_gemm_best_kernel() == STRATA_GEMM_KERNEL_AVX512) {
    conv_avx512(w, first, last, x, packed, filters, depthBlock, bias, relu, out, &tables);
  } else {
    conv_avx2(w, first, last, x, packed, filters, depthBlock, bias, relu, out, &tables);
  }
#else
  conv_vector(w, first, last, x, packed, filters, depthBlock, bias, relu, out, &tables);
#endif
  free_tables(&tables);
  return 1;
}

int strata_conv2d_direct_max_pooled(const strata_window *w, const strata_window *pool,
                                    long first, long last, const float *x, const float *packed,
                                    long filters, long depthBlock, const float *bias, int relu,
                                    float *y) {
  // Pooled rows per band: as many as keep their convolution rows near BAND_FLOATS.
  const long rowFloats = w->outWidth * filters;
  long bandRows = 1;
  while (bandRows < pool->outHeight) {
    long low, high;
    band_rows(pool, 0, bandRows + 1, &low, &high);
    if ((high - low) * rowFloats > BAND_FLOATS) break;
    bandRows++;
  }
  // The most convolution rows any band reads (a first band may start inside the padding).
  long most = 0;
  for (long po0 = 0; po0 < pool->outHeight; po0 += bandRows) {
    const long po1 = po0 + bandRows < pool->outHeight ? po0 + bandRows : pool->outHeight;
    long low, high;
    band_rows(pool, po0, po1, &low, &high);
    if (high - low > most) most = high - low;
  }
  conv_tables tables;
  float *scratch = malloc((size_t)((most > 0 ? most : 1) * rowFloats) * sizeof(float));
  if (scratch == NULL || make_tables(w, &tables) == NULL) {
    free(scratch);
    return 0;
  }
#if defined(__x86_64__) || defined(__i386__)
  if (strata_gemm_best_kernel() == STRATA_GEMM_KERNEL_AVX512) {
    conv_pool_avx512(w, pool, first, last, x, packed, filters, depthBlock, bias, relu, y,
                     &tables, scratch, bandRows);
  } else {
    conv_pool_avx2(w, pool, first, last, x, packed, filters, depthBlock, bias, relu, y, &tables,
                   scratch, bandRows);
  }
#else
  conv_pool_vector(w, pool, first, last, x, packed, filters, depthBlock, bias, relu, y, &tables,
                   scratch, bandRows);
#endif
  free_tables(&tables);
  free(scratch);
  return 1;
}
