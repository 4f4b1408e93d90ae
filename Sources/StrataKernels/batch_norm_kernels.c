// Batch normalization over the rows of a [rows, features] matrix, for a range of features.
//
// Statistics and gradient sums are accumulated in double, vectorised across features (a row
// is contiguous), in blocks of features small enough for the accumulators to stay in L1.
// Each feature's sums run over the rows in order, so splitting the features over threads
// never changes a result.
#include "StrataKernels.h"
#include "multiversion.h"

#pragma STDC FP_CONTRACT OFF
#if defined(__clang__)
#pragma clang fp contract(off)
#endif

#define BLOCK 64

STRATA_ALWAYS_INLINE void bn_statistics_body(long rows, long features, long first, long last,
                                             const float *restrict x, float *restrict mean,
                                             float *restrict variance) {
  double sums[BLOCK];
  for (long start = first; start < last; start += BLOCK) {
    long width = last - start < BLOCK ? last - start : BLOCK;
    for (long j = 0; j < width; j++) sums[j] = 0;
    for (long r = 0; r < rows; r++) {
      const float *row = x + r * features + start;
      for (long j = 0; j < width; j++) sums[j] += (double)row[j];
    }
    for (long j = 0; j < width; j++) mean[start + j] = (float)(sums[j] / (double)rows);
    for (long j = 0; j < width; j++) sums[j] = 0;
    const float *mu = mean + start;
    for (long r = 0; r < rows; r++) {
      const float *row = x + r * features + start;
      for (long j = 0; j < width; j++) {
        double d = (double)(row[j] - mu[j]);
        sums[j] += d * d;
      }
    }
    for (long j = 0; j < width; j++) variance[start + j] = (float)(sums[j] / (double)rows);
  }
}

STRATA_ALWAYS_INLINE void bn_affine_body(long rows, long features, long first, long last,
                                         const float *restrict x, const float *restrict scale,
                                         const float *restrict shift, float *restrict y) {
  for (long r = 0; r < rows; r++) {
    const float *in = x + r * features;
    float *out = y + r * features;
    for (long j = first; j < last; j++) out[j] = in[j] * scale[j] + shift[j];
  }
}

STRATA_ALWAYS_INLINE void bn_backward_body(long rows, long features, long first, long last,
                                           const float *restrict dy, const float *restrict x,
                                           const float *restrict mean,
                                           const float *restrict inv_std,
                                           const float *restrict scale, float *restrict dx,
                                           float *restrict sum_dy,
                                           float *restrict sum_dy_xhat) {
  double s_dy[BLOCK], s_dyx[BLOCK], centre[BLOCK];
  const double n = (double)rows;
  for (long start = first; start < last; start += BLOCK) {
    long width = last - start < BLOCK ? last - start : BLOCK;
    const float *mu = mean + start, *inv = inv_std + start, *g = scale + start;
    for (long j = 0; j < width; j++) s_dy[j] = s_dyx[j] = centre[j] = 0;
    for (long r = 0; r < rows; r++) {
      const float *grad = dy + r * features + start, *in = x + r * features + start;
      for (long j = 0; j < width; j++) {
        double d = (double)grad[j];
        double xhat = (double)((in[j] - mu[j]) * inv[j]);
        s_dy[j] += d;
        s_dyx[j] += d * xhat;
      }
    }
    for (long j = 0; j < width; j++) {
      sum_dy[start + j] = (float)s_dy[j];
      sum_dy_xhat[start + j] = (float)s_dyx[j];
    }
    if (!dx) continue;
    // dx = γ·inv/N · (N·dy − Σdy − x̂·Σ(dy·x̂)), then minus its own column mean: the exact
    // gradient sums to zero over the batch, and rounding must not leave a same-sign residue.
    for (long pass = 0; pass < 2; pass++) {
      for (long r = 0; r < rows; r++) {
        const float *grad = dy + r * features + start, *in = x + r * features + start;
        float *out = dx + r * features + start;
        for (long j = 0; j < width; j++) {
          double xhat = ((double)in[j] - (double)mu[j]) * (double)inv[j];
          double value = (double)g[j] / n * (n * (double)grad[j] - s_dy[j] - xhat * s_dyx[j]);
          if (pass == 0) {
            centre[j] += value;
          } else {
            out[j] = (float)(value - centre[j] / n);
          }
        }
      }
    }
  }
}

STRATA_MULTIVERSION(bn_statistics,
                    (long rows, long features, long first, long last, const float *x,
                     float *mean, float *variance),
                    (rows, features, first, last, x, mean, variance))
STRATA_MULTIVERSION(bn_affine,
                    (long rows, long features, long first, long last, const float *x,
                     const float *scale, const float *shift, float *y),
                    (rows, features, first, last, x, scale, shift, y))
STRATA_MULTIVERSION(bn_backward,
                    (long rows, long features, long first, long last, const float *dy,
                     const float *x, const float *mean, const float *inv_std, const float *scale,
                     float *dx, float *sum_dy, float *sum_dy_xhat),
                    (rows, features, first, last, dy, x, mean, inv_std, scale, dx, sum_dy,
                     sum_dy_xhat))

void strata_batch_norm_statistics(long rows, long features, long first, long last,
                                  const float *x, float *mean, float *variance) {
  bn_statistics_dispatch(rows, features, first, last, x, mean, variance);
}

void strata_batch_norm_affine(long rows, long features, long first, long last, const float *x,
                              const float *scale, const float *shift, float *y) {
  bn_affine_dispatch(rows, features, first, last, x, scale, shift, y);
}

void strata_batch_norm_backward(long rows, long features, long first, long last,
                                const float *dy, const float *x, const float *mean,
                                const float *inv_std, const float *scale, float *dx,
                                float *sum_dy, float *sum_dy_xhat) {
  bn_backward_dispatch(rows, features, first, last, dy, x, mean, inv_std, scale, dx, sum_dy,
                       sum_dy_xhat);
}
