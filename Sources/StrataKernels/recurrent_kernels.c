// The gate arithmetic of one LSTM or GRU time step, forward and backward.
//
// Keras's cells (keras/src/layers/rnn/lstm.py and gru.py, implementation 2) take the gates'
// pre-activations from one GEMM per step and then do a handful of element-wise products.
// Written as separate tensor ops those products are ten passes over the batch and ten
// temporary buffers per step; here they are one pass each way. Rows are `batch` samples; the
// gates of a row sit side by side, `units` wide each, in Keras's order (LSTM i, f, c, o; GRU
// z, r, h). Sigmoid and tanh are the vectorised kernels of transcendental_kernels.c, so a
// fused step rounds exactly as the same step written with `sigmoid()` and `tanh()` ops.
#include "StrataKernels.h"
#include "multiversion.h"

#pragma STDC FP_CONTRACT OFF
#if defined(__clang__)
#pragma clang fp contract(off)
#endif

void strata_lstm_cell_forward(long batch, long units, const float *gates,
                              const float *previous_cell, float *activated, float *cell,
                              float *cell_tanh, float *hidden) {
  for (long row = 0; row < batch; row++) {
    const float *g = gates + row * 4 * units;
    float *a = activated + row * 4 * units;
    strata_sigmoid(2 * units, g, a);
    strata_tanh(units, g + 2 * units, a + 2 * units);
    strata_sigmoid(units, g + 3 * units, a + 3 * units);
    const float *input = a, *forget = a + units, *candidate = a + 2 * units;
    const float *previous = previous_cell + row * units;
    float *c = cell + row * units;
    for (long j = 0; j < units; j++) c[j] = forget[j] * previous[j] + input[j] * candidate[j];
    strata_tanh(units, c, cell_tanh + row * units);
    const float *output = a + 3 * units, *t = cell_tanh + row * units;
    float *h = hidden + row * units;
    for (long j = 0; j < units; j++) h[j] = output[j] * t[j];
  }
}

// One row of the LSTM step's pullback; `restrict` (the buffers never overlap) and the
// per-ISA copies let it vectorise, where it ran scalar and took 6% of an LSTM epoch.
STRATA_ALWAYS_INLINE void lstm_backward_body(long batch, long units,
                                             const float *restrict grad_hidden,
                                             const float *restrict grad_cell,
                                             const float *restrict activated,
                                             const float *restrict previous_cell,
                                             const float *restrict cell_tanh,
                                             float *restrict grad_gates,
                                             float *restrict grad_previous_cell) {
  for (long row = 0; row < batch; row++) {
    const float *restrict a = activated + row * 4 * units;
    const float *restrict input = a, *restrict forget = a + units;
    const float *restrict candidate = a + 2 * units, *restrict output = a + 3 * units;
    const float *restrict dh = grad_hidden + row * units, *restrict dc = grad_cell + row * units;
    const float *restrict previous = previous_cell + row * units;
    const float *restrict t = cell_tanh + row * units;
    float *restrict dg = grad_gates + row * 4 * units;
    float *restrict dprevious = grad_previous_cell + row * units;
    for (long j = 0; j < units; j++) {
      // The cell's gradient: from the next step (and the final state), plus through h.
      float cell = dc[j] + dh[j] * output[j] * (1.0f - t[j] * t[j]);
      dg[j] = cell * candidate[j] * (input[j] * (1.0f - input[j]));
      dg[units + j] = cell * previous[j] * (forget[j] * (1.0f - forget[j]));
      dg[2 * units + j] = cell * input[j] * (1.0f - candidate[j] * candidate[j]);
      dg[3 * units + j] = dh[j] * t[j] * (output[j] * (1.0f - output[j]));
      dprevious[j] = cell * forget[j];
    }
  }
}

#define LSTM_BACKWARD_PARAMETERS                                                               \
  (long batch, long units, const float *restrict grad_hidden, const float *restrict grad_cell, \
   const float *restrict activated, const float *restrict previous_cell,                        \
   const float *restrict cell_tanh, float *restrict grad_gates,                                 \
   float *restrict grad_previous_cell)
STRATA_MULTIVERSION(lstm_backward, LSTM_BACKWARD_PARAMETERS,
                    (batch, units, grad_hidden, grad_cell, activated, previous_cell, cell_tanh,
                     grad_gates, grad_previous_cell))

void strata_lstm_cell_backward(long batch, long units, const float *grad_hidden,
                               const float *grad_cell, const float *activated,
                               const float *previous_cell, const float *cell_tanh,
                               float *grad_gates, float *grad_previous_cell) {
  lstm_backward_dispatch(batch, units, grad_hidden, grad_cell, activated, previous_cell,
                         cell_tanh, grad_gates, grad_previous_cell);
}

void strata_gru_cell_forward(long batch, long units, const float *input_projection,
                             const float *recurrent_projection, const float *previous_hidden,
                             float *activated, float *hidden) {
  for (long row = 0; row < batch; row++) {
    const float *x = input_projection + row * 3 * units;
    const float *r = recurrent_projection + row * 3 * units;
    float *a = activated + row * 3 * units;
    // The row's output doubles as scratch for the pre-activations (the kernels' inputs and
    // outputs must not overlap), and is written last.
    float *scratch = hidden + row * units;
    for (long j = 0; j < units; j++) scratch[j] = x[j] + r[j];
    strata_sigmoid(units, scratch, a);
    for (long j = 0; j < units; j++) scratch[j] = x[units + j] + r[units + j];
    strata_sigmoid(units, scratch, a + units);
    const float *reset = a + units;
    for (long j = 0; j < units; j++) scratch[j] = x[2 * units + j] + reset[j] * r[2 * units + j];
    strata_tanh(units, scratch, a + 2 * units);
    const float *update = a, *candidate = a + 2 * units;
    const float *previous = previous_hidden + row * units;
    float *h = hidden + row * units;
    for (long j = 0; j < units; j++)
      h[j] = update[j] * previous[j] + (1.0f - update[j]) * candidate[j];
  }
}

void strata_gru_cell_backward(long batch, long units, const float *grad_hidden,
                              const float *activated, const float *recurrent_projection,
                              const float *previous_hidden, float *grad_input_projection,
                              float *grad_recurrent_projection, float *grad_previous_hidden) {
  for (long row = 0; row < batch; row++) {
    const float *a = activated + row * 3 * units;
    const float *update = a, *reset = a + units, *candidate = a + 2 * units;
    const float *recurrent_candidate = recurrent_projection + row * 3 * units + 2 * units;
    const float *dh = grad_hidden + row * units, *previous = previous_hidden + row * units;
    float *dx = grad_input_projection + row * 3 * units;
    float *dr = grad_recurrent_projection + row * 3 * units;
    for (long j = 0; j < units; j++) {
      float d_candidate = dh[j] * (1.0f - update[j]) * (1.0f - candidate[j] * candidate[j]);
      float d_update = dh[j] * (previous[j] - candidate[j]) * (update[j] * (1.0f - update[j]));
      float d_reset = d_candidate * recurrent_candidate[j] * (reset[j] * (1.0f - reset[j]));
      dx[j] = d_update;
      dx[units + j] = d_reset;
      dx[2 * units + j] = d_candidate;
      dr[j] = d_update;
      dr[units + j] = d_reset;
      dr[2 * units + j] = d_candidate * reset[j];
      grad_previous_hidden[row * units + j] = dh[j] * update[j];
    }
  }
}
