// Checks the vector kernels besides the GEMM — every optimizer rule, weight decay, batch
// normalization, bias and ReLU, exp/log/sigmoid/tanh, the LSTM and GRU cells and the Bernoulli
// draws — on fixed inputs whose lengths leave vector tails. `write FILE` runs them and saves
// every output's bits; `check FILE` runs them again (under another kernel choice, or on arm64
// under qemu, where the same loops compile to NEON) and requires the same bits. Both also
// compare exp, log, sigmoid, tanh and the Adam step with double-precision references. Run
// by Tests/kernels/run.sh.
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "StrataKernels.h"

enum { N = 1037, ROWS = 37, FEATURES = 19, BATCH = 3, UNITS = 13 };

static uint64_t state = 0x2545F4914F6CDD1Dull;
static float uniform(float low, float high) {
  state ^= state << 13;
  state ^= state >> 7;
  state ^= state << 17;
  return low + (high - low) * (float)((double)(state >> 40) / (double)(1ull << 24));
}
static void fill(float *x, long n, float low, float high) {
  for (long i = 0; i < n; i++) x[i] = uniform(low, high);
}

static FILE *file;
static int writing, failures, outputs;

// Writes the bits of `x`, or compares them with the file's.
static void record(const char *name, const float *x, long n) {
  static float saved[8 * N];
  outputs++;
  if (writing) {
    fwrite(x, sizeof(float), (size_t)n, file);
    return;
  }
  if (fread(saved, sizeof(float), (size_t)n, file) != (size_t)n) {
    fprintf(stderr, "%s: the file ends early\n", name);
    failures++;
    return;
  }
  for (long i = 0; i < n; i++) {
    if (memcmp(&saved[i], &x[i], sizeof(float)) != 0) {
      fprintf(stderr, "%s: element %ld is %.9g, the file's %.9g\n", name, i, x[i], saved[i]);
      failures++;
      return;
    }
  }
}

// Requires |x − reference| ≤ tolerance · max(|reference|, floor).
static void near(const char *name, long i, double x, double reference, double tolerance,
                 double floor) {
  double scale = fabs(reference) > floor ? fabs(reference) : floor;
  if (!(fabs(x - reference) <= tolerance * scale)) {
    fprintf(stderr, "%s: element %ld is %.9g, reference %.9g\n", name, i, x, reference);
    failures++;
  }
}

static float p[N], g[N], s1[N], s2[N], s3[N], y[N];

// One optimizer step from fresh copies of the same parameters, gradients and slots.
static void start_step(void) {
  state = 0x9E3779B97F4A7C15ull;
  fill(p, N, -1, 1);
  fill(g, N, -0.5f, 0.5f);
  fill(s1, N, -0.1f, 0.1f);
  fill(s2, N, 0, 0.2f);
  fill(s3, N, 0, 0.3f);
}

static void optimizers(void) {
  start_step();
  strata_sgd_update(N, p, g, NULL, 0.1f, 0, 0);
  record("sgd", p, N);
  start_step();
  strata_sgd_update(N, p, g, s1, 0.1f, 0.9f, 0);
  record("sgd momentum", p, N);
  record("sgd velocity", s1, N);
  start_step();
  strata_sgd_update(N, p, g, s1, 0.1f, 0.9f, 1);
  record("sgd nesterov", p, N);
  start_step();
  float m0 = s1[5], v0 = s2[5], p0 = p[5];
  strata_adam_update(N, p, g, s1, s2, NULL, 0.01f, 0.1f, 0.001f, 1e-7f, 0, 0);
  record("adam", p, N);
  record("adam m", s1, N);
  record("adam v", s2, N);
  double m = m0 + (g[5] - (double)m0) * 0.1, v = v0 + ((double)g[5] * g[5] - v0) * 0.001;
  near("adam against double", 5, p[5], p0 - 0.01 * m / (sqrt(v) + 1e-7), 1e-5, 1);
  start_step();
  strata_adam_update(N, p, g, s1, s2, s3, 0.01f, 0.1f, 0.001f, 1e-7f, 0, 0);
  record("adam amsgrad", p, N);
  record("adam vmax", s3, N);
  // AdamW's decay fused into the Adam pass gives the bits of the decay pass, then Adam.
  start_step();
  strata_weight_decay(N, p, 0.004f, 0.01f);
  strata_adam_update(N, p, g, s1, s2, s3, 0.01f, 0.1f, 0.001f, 1e-7f, 0, 0);
  memcpy(y, p, sizeof(p));
  start_step();
  strata_adam_update(N, p, g, s1, s2, s3, 0.01f, 0.1f, 0.001f, 1e-7f, 0.004f, 0.01f);
  if (memcmp(y, p, sizeof(p)) != 0) {
    fprintf(stderr, "adamw: the fused decay differs from the decay pass\n");
    failures++;
  }
  record("adamw", p, N);
  start_step();
  strata_rmsprop_update(N, p, g, s2, NULL, NULL, 0.01f, 0.9f, 0, 1e-7f);
  record("rmsprop", p, N);
  start_step();
  strata_rmsprop_update(N, p, g, s2, s3, s1, 0.01f, 0.9f, 0.5f, 1e-7f);
  record("rmsprop centred momentum", p, N);
  record("rmsprop velocity", s3, N);
  start_step();
  strata_adagrad_update(N, p, g, s2, 0.01f, 1e-7f);
  record("adagrad", p, N);
  start_step();
  strata_adadelta_update(N, p, g, s2, s3, 1.0f, 0.95f, 1e-7f);
  record("adadelta", p, N);
  record("adadelta delta average", s3, N);
  start_step();
  strata_adamax_update(N, p, g, s1, s2, 0.002f, 0.9f, 0.999f, 0.1f, 1e-7f);
  record("adamax", p, N);
  start_step();
  strata_nadam_update(N, p, g, s1, s2, 0.002f, 0.9f, 0.999f, 0.8f, 0.85f, 0.8f, 0.68f, 0.001f,
                      1e-7f);
  record("nadam", p, N);
  start_step();
  strata_lion_update(N, p, g, s1, 0.001f, 0.9f, 0.99f);
  record("lion", p, N);
  record("lion momentum", s1, N);
  start_step();
  strata_ftrl_update(N, p, g, s2, s1, 0.1f, 0.5f, 0.01f, 0.04f, 0.06f);
  record("ftrl", p, N);
  record("ftrl linear", s1, N);
  start_step();
  strata_weight_decay(N, p, 0.004f, 0.001f);
  record("weight decay", p, N);
}

static void batch_norm(void) {
  static float x[ROWS * FEATURES], dy[ROWS * FEATURES], out[ROWS * FEATURES];
  static float dx[ROWS * FEATURES];
  float mean[FEATURES], variance[FEATURES], scale[FEATURES], shift[FEATURES];
  float inv_std[FEATURES], sum_dy[FEATURES], sum_dy_xhat[FEATURES];
  state = 0xD1B54A32D192ED03ull;
  fill(x, ROWS * FEATURES, -2, 3);
  fill(dy, ROWS * FEATURES, -1, 1);
  fill(scale, FEATURES, 0.5f, 1.5f);
  fill(shift, FEATURES, -0.2f, 0.2f);
  strata_batch_norm_statistics(ROWS, FEATURES, 0, FEATURES, x, mean, variance);
  record("batch norm mean", mean, FEATURES);
  record("batch norm variance", variance, FEATURES);
  strata_batch_norm_affine(ROWS, FEATURES, 0, FEATURES, x, scale, shift, out);
  record("batch norm affine", out, ROWS * FEATURES);
  for (int f = 0; f < FEATURES; f++) inv_std[f] = 1.0f / sqrtf(variance[f] + 1e-3f);
  strata_batch_norm_backward(ROWS, FEATURES, 0, FEATURES, dy, x, mean, inv_std, scale, dx,
                             sum_dy, sum_dy_xhat);
  record("batch norm dx", dx, ROWS * FEATURES);
  record("batch norm sum dy", sum_dy, FEATURES);
  record("batch norm sum dy x̂", sum_dy_xhat, FEATURES);
  strata_add_bias_rows(ROWS, FEATURES, shift, 0, out);
  record("bias rows", out, ROWS * FEATURES);
  strata_add_bias_rows(ROWS, FEATURES, shift, 1, out);
  record("bias rows relu", out, ROWS * FEATURES);
}

static void elementwise(void) {
  static float x[N];
  state = 0x94D049BB133111EBull;
  fill(x, N, -20, 20);
  strata_relu(N, x, y);
  record("relu", y, N);
  strata_relu_backward(N, x, y, s1);
  record("relu backward", s1, N);
  strata_exp(N, x, y);
  record("exp", y, N);
  for (long i = 0; i < N; i++) near("exp against double", i, y[i], exp((double)x[i]), 4e-7, 0);
  strata_sigmoid(N, x, y);
  record("sigmoid", y, N);
  for (long i = 0; i < N; i++) {
    near("sigmoid against double", i, y[i], 1 / (1 + exp(-(double)x[i])), 4e-7, 0);
  }
  strata_tanh(N, x, y);
  record("tanh", y, N);
  for (long i = 0; i < N; i++) near("tanh against double", i, y[i], tanh((double)x[i]), 4e-7, 1e-30);
  fill(x, N, 1e-6f, 50);
  strata_log(N, x, y);
  record("log", y, N);
  for (long i = 0; i < N; i++) near("log against double", i, y[i], log((double)x[i]), 4e-7, 1e-3);
  strata_bernoulli(0x1234, 17, N, 0.3f, 1.0f / 0.7f, y);
  record("bernoulli", y, N);
}

static void recurrent(void) {
  enum { GATES = 4 * BATCH * UNITS, STATE = BATCH * UNITS, PROJECTION = 3 * BATCH * UNITS };
  static float gates[GATES], activated[GATES], grad_gates[GATES];
  static float previous[STATE], cell[STATE], cell_tanh[STATE], hidden[STATE];
  static float grad_hidden[STATE], grad_cell[STATE], grad_previous[STATE];
  static float input[PROJECTION], recurrent_projection[PROJECTION], gru_activated[PROJECTION];
  static float grad_input[PROJECTION], grad_recurrent[PROJECTION];
  state = 0xBF58476D1CE4E5B9ull;
  fill(gates, GATES, -4, 4);
  fill(previous, STATE, -1, 1);
  fill(grad_hidden, STATE, -1, 1);
  fill(grad_cell, STATE, -1, 1);
  strata_lstm_cell_forward(BATCH, UNITS, gates, previous, activated, cell, cell_tanh, hidden);
  record("lstm gates", activated, GATES);
  record("lstm cell", cell, STATE);
  record("lstm hidden", hidden, STATE);
  strata_lstm_cell_backward(BATCH, UNITS, grad_hidden, grad_cell, activated, previous, cell_tanh,
                            grad_gates, grad_previous);
  record("lstm gate gradients", grad_gates, GATES);
  record("lstm cell gradients", grad_previous, STATE);
  fill(input, PROJECTION, -3, 3);
  fill(recurrent_projection, PROJECTION, -3, 3);
  strata_gru_cell_forward(BATCH, UNITS, input, recurrent_projection, previous, gru_activated,
                          hidden);
  record("gru gates", gru_activated, PROJECTION);
  record("gru hidden", hidden, STATE);
  strata_gru_cell_backward(BATCH, UNITS, grad_hidden, gru_activated, recurrent_projection,
                           previous, grad_input, grad_recurrent, grad_previous);
  record("gru input gradients", grad_input, PROJECTION);
  record("gru recurrent gradients", grad_recurrent, PROJECTION);
  record("gru state gradients", grad_previous, STATE);
}

int main(int argc, char **argv) {
  if (argc != 3 || (strcmp(argv[1], "write") != 0 && strcmp(argv[1], "check") != 0)) {
    fprintf(stderr, "usage: kernel_bits write|check FILE\n");
    return 2;
  }
  writing = strcmp(argv[1], "write") == 0;
  file = fopen(argv[2], writing ? "wb" : "rb");
  if (file == NULL) {
    perror(argv[2]);
    return 2;
  }
  optimizers();
  batch_norm();
  elementwise();
  recurrent();
  fclose(file);
  printf("kernel_bits: kernel %d, %d outputs, %s\n", strata_gemm_best_kernel(), outputs,
         failures ? "FAILED" : writing ? "bits written" : "bits equal to the file's");
  return failures ? 1 : 0;
}
