// Element-wise passes on the training hot path (the dense bias and relu), vectorised per
// instruction set. Swift closures passed into the threaded loops were not inlined, so each
// element cost an indirect call.
#include "StrataKernels.h"
#include "multiversion.h"

#pragma STDC FP_CONTRACT OFF
#if defined(__clang__)
#pragma clang fp contract(off)
#endif

STRATA_ALWAYS_INLINE void bias_rows_body(long rows, long columns, const float *restrict bias,
                                         int relu, float *restrict z) {
  for (long r = 0; r < rows; r++) {
    float *row = z + r * columns;
    if (relu) {
      for (long j = 0; j < columns; j++) {
        float v = row[j] + bias[j];
        row[j] = v > 0 ? v : 0;
      }
    } else {
      for (long j = 0; j < columns; j++) row[j] = row[j] + bias[j];
    }
  }
}

STRATA_ALWAYS_INLINE void relu_body(long n, const float *restrict x, float *restrict y) {
  for (long i = 0; i < n; i++) y[i] = x[i] > 0 ? x[i] : 0;
}

STRATA_ALWAYS_INLINE void relu_backward_body(long n, const float *restrict g,
                                             const float *restrict y, float *restrict out) {
  for (long i = 0; i < n; i++) out[i] = y[i] > 0 ? g[i] : 0;
}

STRATA_MULTIVERSION(bias_rows, (long rows, long columns, const float *bias, int relu, float *z),
                    (rows, columns, bias, relu, z))
STRATA_MULTIVERSION(relu, (long n, const float *x, float *y), (n, x, y))
STRATA_MULTIVERSION(relu_backward, (long n, const float *g, const float *y, float *out),
                    (n, g, y, out))

void strata_add_bias_rows(long rows, long columns, const float *bias, int relu, float *z) {
  bias_rows_dispatch(rows, columns, bias, relu, z);
}

void strata_relu(long n, const float *x, float *y) { relu_dispatch(n, x, y); }

void strata_relu_backward(long n, const float *gradient, const float *output, float *result) {
  relu_backward_dispatch(n, gradient, output, result);
}
