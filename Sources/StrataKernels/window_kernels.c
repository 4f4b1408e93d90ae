// The loops of the window ops over channels-last images: im2col, col2im, and max and average
// pooling forward and backward. Each handles images [first, last) of the batch, so that the
// Swift side splits a batch over threads; within an image every loop runs over channels
// innermost, where the compiler vectorises.
#include "StrataKernels.h"
#include "multiversion.h"

#pragma STDC FP_CONTRACT OFF
#if defined(__clang__)
#pragma clang fp contract(off)
#endif

STRATA_ALWAYS_INLINE void im2col_body(const strata_window *w, long first, long last,
                                      const float *restrict x, float *restrict cols) {
  const long c = w->channels, rowWidth = w->kh * w->kw * c;
  for (long n = first; n < last; n++) {
    for (long oh = 0; oh < w->outHeight; oh++) {
      for (long ow = 0; ow < w->outWidth; ow++) {
        float *target = cols + ((n * w->outHeight + oh) * w->outWidth + ow) * rowWidth;
        for (long i = 0; i < w->kh; i++) {
          const long ih = oh * w->strideHeight - w->top + i * w->dilationHeight;
          const int inside = ih >= 0 && ih < w->height;
          for (long j = 0; j < w->kw; j++, target += c) {
            const long iw = ow * w->strideWidth - w->left + j * w->dilationWidth;
            if (inside && iw >= 0 && iw < w->width) {
              const float *source = x + ((n * w->height + ih) * w->width + iw) * c;
              for (long k = 0; k < c; k++) target[k] = source[k];
            } else {
              for (long k = 0; k < c; k++) target[k] = 0;
            }
          }
        }
      }
    }
  }
}

STRATA_ALWAYS_INLINE void col2im_body(const strata_window *w, long first, long last,
                                      const float *restrict cols, float *restrict x) {
  const long c = w->channels, rowWidth = w->kh * w->kw * c;
  for (long n = first; n < last; n++) {
    float *image = x + n * w->height * w->width * c;
    for (long k = 0; k < w->height * w->width * c; k++) image[k] = 0;
    for (long oh = 0; oh < w->outHeight; oh++) {
      for (long ow = 0; ow < w->outWidth; ow++) {
        const float *from = cols + ((n * w->outHeight + oh) * w->outWidth + ow) * rowWidth;
        for (long i = 0; i < w->kh; i++) {
          const long ih = oh * w->strideHeight - w->top + i * w->dilationHeight;
          const int inside = ih >= 0 && ih < w->height;
          for (long j = 0; j < w->kw; j++, from += c) {
            const long iw = ow * w->strideWidth - w->left + j * w->dilationWidth;
            if (!inside || iw < 0 || iw >= w->width) continue;
            float *to = image + (ih * w->width + iw) * c;
            for (long k = 0; k < c; k++) to[k] += from[k];
          }
        }
      }
    }
  }
}

STRATA_ALWAYS_INLINE void max_pool_body(const strata_window *w, long first, long last,
                                        const float *restrict x, float *restrict y,
                                        int32_t *restrict winners) {
  const long c = w->channels;
  for (long n = first; n < last; n++) {
    for (long oh = 0; oh < w->outHeight; oh++) {
      for (long ow = 0; ow < w->outWidth; ow++) {
        const long o = ((n * w->outHeight + oh) * w->outWidth + ow) * c;
        for (long k = 0; k < c; k++) y[o + k] = -__builtin_inff();
        if (winners) {
          for (long k = 0; k < c; k++) winners[o + k] = 0;
        }
        for (long i = 0; i < w->kh; i++) {
          const long ih = oh * w->strideHeight - w->top + i * w->dilationHeight;
          if (ih < 0 || ih >= w->height) continue;
          for (long j = 0; j < w->kw; j++) {
            const long iw = ow * w->strideWidth - w->left + j * w->dilationWidth;
            if (iw < 0 || iw >= w->width) continue;
            const long at = ((n * w->height + ih) * w->width + iw) * c;
            // Strictly greater: the first maximum in row-major window order keeps the place.
            if (winners) {
              for (long k = 0; k < c; k++) {
                const float v = x[at + k];
                const int larger = v > y[o + k];
                y[o + k] = larger ? v : y[o + k];
                winners[o + k] = larger ? (int32_t)(at + k) : winners[o + k];
              }
            } else {
              for (long k = 0; k < c; k++) {
                const float v = x[at + k];
                y[o + k] = v > y[o + k] ? v : y[o + k];
              }
            }
          }
        }
      }
    }
  }
}

STRATA_ALWAYS_INLINE void max_pool_backward_body(const strata_window *w, long first, long last,
                                                 const float *restrict g,
                                                 const int32_t *restrict winners,
                                                 float *restrict dx) {
  const long imageSize = w->height * w->width * w->channels;
  const long outputSize = w->outHeight * w->outWidth * w->channels;
  for (long k = first * imageSize; k < last * imageSize; k++) dx[k] = 0;
  for (long o = first * outputSize; o < last * outputSize; o++) dx[winners[o]] += g[o];
}

/// Adds `scale · source` (pooling forward, source = x) or spreads `scale · source` (backward,
/// source = g) for every real pixel of every window.
STRATA_ALWAYS_INLINE void average_pool_body(const strata_window *w, long first, long last,
                                            const float *restrict source, float *restrict out,
                                            int backward) {
  const long c = w->channels;
  const long span = backward ? w->height * w->width * c : w->outHeight * w->outWidth * c;
  for (long k = first * span; k < last * span; k++) out[k] = 0;
  for (long n = first; n < last; n++) {
    for (long oh = 0; oh < w->outHeight; oh++) {
      for (long ow = 0; ow < w->outWidth; ow++) {
        const long o = ((n * w->outHeight + oh) * w->outWidth + ow) * c;
        long count = 0;
        for (long i = 0; i < w->kh; i++) {
          const long ih = oh * w->strideHeight - w->top + i * w->dilationHeight;
          if (ih < 0 || ih >= w->height) continue;
          for (long j = 0; j < w->kw; j++) {
            const long iw = ow * w->strideWidth - w->left + j * w->dilationWidth;
            if (iw >= 0 && iw < w->width) count++;
          }
        }
        const float scale = 1.0f / (float)count;
        for (long i = 0; i < w->kh; i++) {
          const long ih = oh * w->strideHeight - w->top + i * w->dilationHeight;
          if (ih < 0 || ih >= w->height) continue;
          for (long j = 0; j < w->kw; j++) {
            const long iw = ow * w->strideWidth - w->left + j * w->dilationWidth;
            if (iw < 0 || iw >= w->width) continue;
            const long at = ((n * w->height + ih) * w->width + iw) * c;
            if (backward) {
              for (long k = 0; k < c; k++) out[at + k] += source[o + k] * scale;
            } else {
              for (long k = 0; k < c; k++) out[o + k] += source[at + k];
            }
          }
        }
        if (!backward) {
          for (long k = 0; k < c; k++) out[o + k] *= scale;
        }
      }
    }
  }
}

STRATA_MULTIVERSION(im2col, (const strata_window *w, long first, long last, const float *x,
                             float *cols), (w, first, last, x, cols))
STRATA_MULTIVERSION(col2im, (const strata_window *w, long first, long last, const float *cols,
                             float *x), (w, first, last, cols, x))
STRATA_MULTIVERSION(max_pool, (const strata_window *w, long first, long last, const float *x,
                               float *y, int32_t *winners), (w, first, last, x, y, winners))
STRATA_MULTIVERSION(max_pool_backward, (const strata_window *w, long first, long last,
                                        const float *g, const int32_t *winners, float *dx),
                    (w, first, last, g, winners, dx))
STRATA_MULTIVERSION(average_pool, (const strata_window *w, long first, long last,
                                   const float *source, float *out, int backward),
                    (w, first, last, source, out, backward))

void strata_im2col(const strata_window *w, long first, long last, const float *x, float *cols) {
  im2col_dispatch(w, first, last, x, cols);
}

void strata_col2im(const strata_window *w, long first, long last, const float *cols, float *x) {
  col2im_dispatch(w, first, last, cols, x);
}

void strata_max_pool(const strata_window *w, long first, long last, const float *x, float *y,
                     int32_t *winners) {
  max_pool_dispatch(w, first, last, x, y, winners);
}

void strata_max_pool_backward(const strata_window *w, long first, long last, const float *g,
                              const int32_t *winners, float *dx) {
  max_pool_backward_dispatch(w, first, last, g, winners, dx);
}

void strata_average_pool(const strata_window *w, long first, long last, const float *x,
                         float *y) {
  average_pool_dispatch(w, first, last, x, y, 0);
}

void strata_average_pool_backward(const strata_window *w, long first, long last, const float *g,
                                  float *dx) {
  average_pool_dispatch(w, first, last, g, dx, 1);
}
