#ifndef STRATA_KERNELS_H
#define STRATA_KERNELS_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/// Rows of the GEMM micro-tile (the height of a packed panel of A).
#define STRATA_GEMM_MR 6
/// The portable micro-kernel (any CPU): panels of B are 16 columns wide.
#define STRATA_GEMM_KERNEL_PORTABLE 0
/// The AVX2 + FMA micro-kernel: 6 × 16 tiles.
#define STRATA_GEMM_KERNEL_AVX2 1
/// The AVX-512 micro-kernel: 6 × 32 tiles.
#define STRATA_GEMM_KERNEL_AVX512 2
/// The AVX-512 micro-kernel on 16-wide panels (6 × 16 tiles), for products with n <= 16.
/// Never returned by `strata_gemm_best_kernel`; usable wherever the AVX-512 one is.
#define STRATA_GEMM_KERNEL_AVX512_NARROW 3
/// The arm64 NEON micro-kernel: 6 × 16 tiles, the same bits as the AVX2 and AVX-512 ones.
#define STRATA_GEMM_KERNEL_NEON 4

/// The fastest micro-kernel this CPU runs (one of `STRATA_GEMM_KERNEL_*`), detected once.
/// The environment variable `STRATA_GEMM_KERNEL=portable|avx2` asks for a lesser one.
int strata_gemm_best_kernel(void);

/// Columns of the micro-tile of `kernel`: the width of a packed panel of B.
int strata_gemm_panel_width(int kernel);

/// C[0..<rows, 0..<cols] (=|+=) A · Bpanel over `depth` steps, with micro-kernel `kernel`.
///
/// Element (r, p) of A is read at `a[r * aRowStride + p * aDepthStride]`: a packed panel has
/// strides (1, STRATA_GEMM_MR), a row-major matrix read in place has (lda, 1). Rows of A at or
/// beyond `rows` are never read. Row p of the B panel is the
/// `strata_gemm_panel_width(kernel)` floats at `b + p * bRowStride`: a packed panel
/// (zero-padded, `bRowStride` = the width) or a full-width slice of a row-major B read in
/// place (`bRowStride` = ldb). `cols` <= the width only limits what is written to C.
/// `accumulate` != 0 adds to C, otherwise C is overwritten.
void strata_sgemm_micro(int kernel, ptrdiff_t depth, const float *a, ptrdiff_t aRowStride,
                        ptrdiff_t aDepthStride, const float *b, ptrdiff_t bRowStride, float *c,
                        ptrdiff_t ldc, ptrdiff_t rows, ptrdiff_t cols, int accumulate);

/// Packs rows `0..<rows` (the depth) and columns `0..<columns` of `op(B)` into panels of
/// `panelWidth` columns, each stored row by row and zero-padded at the right, one panel after
/// another: panel `j / panelWidth` starts at `packed + (j / panelWidth) · panelWidth · rows`.
/// `op(B)[p, j]` is `b[p · ldb + j]`, or `b[j · ldb + p]` when `transposed` is non-zero.
void strata_gemm_pack_b(const float *b, ptrdiff_t ldb, int transposed, ptrdiff_t rows,
                        ptrdiff_t columns, ptrdiff_t panelWidth, float *packed);

/// Packs rows `0..<rows` and columns `0..<columns` (the depth) of `op(A)` into panels of
/// `STRATA_GEMM_MR` rows, each stored column by column and zero-padded below: element
/// (i, p) goes to `packed[(i / MR) · MR · columns + p · MR + i % MR]`. `op(A)[i, p]` is
/// `a[i · lda + p]`, or `a[p · lda + i]` when `transposed` is non-zero.
void strata_gemm_pack_a(const float *a, ptrdiff_t lda, int transposed, ptrdiff_t rows,
                        ptrdiff_t columns, float *packed);

/// One SGD step over `n` parameters: without `velocity` (NULL) `p −= lr·g`; with it
/// `vel = momentum·vel − lr·g` and `p += vel`, or `p += momentum·vel − lr·g` when `nesterov`.
void strata_sgd_update(long n, float *p, const float *g, float *velocity, float lr,
                       float momentum, int nesterov);

/// One Adam step over `n` parameters: `m += (g − m)·keep1`, `v += (g² − v)·keep2` (the
/// factors 1 − β₁ and 1 − β₂, rounded as the caller wants them), `p −= alpha · m / (√v̂ + ε)`
/// where `v̂` is `v`, or with `vmax` (AMSGrad, may be NULL) the running maximum of `v`, stored
/// back into `vmax`. `alpha` carries the bias corrections. A non-zero `decay` first applies
/// AdamW's decoupled weight decay `p −= p · decay · decayRate` in the same pass.
void strata_adam_update(long n, float *p, const float *g, float *m, float *v, float *vmax,
                        float alpha, float keep1, float keep2, float epsilon, float decay,
                        float decayRate);

/// One RMSprop step over `n` parameters: `a = ρa + (1 − ρ)g²`; centred (`mean` not NULL):
/// `ḡ = ρḡ + (1 − ρ)g`, `a − ḡ²` under the root; `Δ = lr · g / √(· + ε)`; with `velocity`
/// (may be NULL) `vel = momentum · vel + Δ` is applied instead of `Δ`.
void strata_rmsprop_update(long n, float *p, const float *g, float *average, float *velocity,
                           float *mean, float lr, float rho, float momentum, float epsilon);

/// One Adagrad step: `acc += g²`, `p −= lr · g / √(acc + ε)`.
void strata_adagrad_update(long n, float *p, const float *g, float *accumulator, float lr,
                           float epsilon);

/// One Adadelta step: `Eg = ρEg + (1 − ρ)g²`, `Δ = −√(Ed + ε) · g / √(Eg + ε)`,
/// `Ed = ρEd + (1 − ρ)Δ²`, `p += lr · Δ`.
void strata_adadelta_update(long n, float *p, const float *g, float *gradientAverage,
                            float *deltaAverage, float lr, float rho, float epsilon);

/// One Adamax step: `m += (g − m)(1 − β₁)`, `u = max(β₂u, |g|)`,
/// `p −= lr · m / (correction · (u + ε))` with `correction = 1 − β₁ᵗ`.
void strata_adamax_update(long n, float *p, const float *g, float *m, float *u, float lr,
                          float beta1, float beta2, float correction, float epsilon);

/// One Lion step (Keras's): `p −= lr · sign(β₁m + (1 − β₁)g)`, then `m = β₂m + (1 − β₂)g`.
void strata_lion_update(long n, float *p, const float *g, float *m, float lr, float beta1,
                        float beta2);

/// One FTRL-Proximal step (Keras's `Ftrl`): `a' = a + g²`,
/// `linear += g + twiceShrinkage·p − (a'^power − a^power)/lr · p`,
/// `p = (clip(linear, −l1, l1) − linear) / (a'^power/lr + twiceL2)`, with `power` =
/// −learning_rate_power and `twiceL2` = 2·(l2 + β/(2·lr)).
void strata_ftrl_update(long n, float *p, const float *g, float *accumulator, float *linear,
                        float lr, float power, float l1, float twiceL2, float twiceShrinkage);

/// One Nadam step (Keras's): `m += (g − m)(1 − β₁)`, `u += (g² − u)(1 − β₂)`,
/// `m̂ = next · m / (1 − productNext) + (1 − current) · g / (1 − product)`,
/// `û = u / secondCorrection`, `p −= m̂ · lr / (√û + ε)`.
void strata_nadam_update(long n, float *p, const float *g, float *m, float *u, float lr,
                         float beta1, float beta2, float current, float next, float product,
                         float productNext, float secondCorrection, float epsilon);

/// Decoupled weight decay: `p −= p · decay · lr`.
void strata_weight_decay(long n, float *p, float decay, float lr);

/// Per-feature batch mean and biased variance of features `first..<last` of a row-major
/// [rows, features] matrix, accumulated in double (two passes: the mean, then Σ(x − mean)²).
void strata_batch_norm_statistics(long rows, long features, long first, long last,
                                  const float *x, float *mean, float *variance);

/// `y = x · scale + shift` per feature, for features `first..<last` of every row.
void strata_batch_norm_affine(long rows, long features, long first, long last, const float *x,
                              const float *scale, const float *shift, float *y);

/// The batch-normalization pullback for features `first..<last`: `sum_dy = Σᵣ dy`,
/// `sum_dy_xhat = Σᵣ dy · x̂` with `x̂ = (x − mean) · inv_std`, and, when `dx` is not NULL,
/// `dx = scale/N · (N·dy − Σdy − x̂·Σdy·x̂)` centred to sum exactly to zero per feature.
/// `scale` is γ · inv_std.
void strata_batch_norm_backward(long rows, long features, long first, long last,
                                const float *dy, const float *x, const float *mean,
                                const float *inv_std, const float *scale, float *dx,
                                float *sum_dy, float *sum_dy_xhat);

/// Adds `bias` (length `columns`) to every row of the row-major [rows, columns] `z`, in place,
/// then, when `relu` != 0, replaces negative results by 0.
void strata_add_bias_rows(long rows, long columns, const float *bias, int relu, float *z);

/// `y = max(x, 0)` element-wise.
void strata_relu(long n, const float *x, float *y);

/// The relu pullback from its output: `result = output > 0 ? gradient : 0`.
void strata_relu_backward(long n, const float *gradient, const float *output, float *result);

/// `y = eˣ` element-wise (Cephes expf, vectorised; within about 1 ulp of libm).
void strata_exp(long n, const float *x, float *y);

/// `y = ln x` element-wise (Cephes logf, vectorised; NaN below 0, −∞ at 0).
void strata_log(long n, const float *x, float *y);

/// `y = 1 / (1 + e⁻ˣ)` element-wise, without overflow for large |x|.
void strata_sigmoid(long n, const float *x, float *y);

/// `y = tanh(x)` element-wise (Cephes tanhf, vectorised).
void strata_tanh(long n, const float *x, float *y);

/// One LSTM step from the gates' pre-activations `gates` `[batch, 4·units]` (Keras's order
/// i, f, c, o) and the previous cell state: writes the activated gates (σ, σ, tanh, σ), the
/// cell state `f·c₋₁ + i·g`, its tanh and the hidden state `o·tanh(c)`.
void strata_lstm_cell_forward(long batch, long units, const float *gates,
                              const float *previous_cell, float *activated, float *cell,
                              float *cell_tanh, float *hidden);
/// The gradients of one LSTM step with respect to the gates' pre-activations and the previous
/// cell state, from the gradients of its hidden and cell states.
void strata_lstm_cell_backward(long batch, long units, const float *grad_hidden,
                               const float *grad_cell, const float *activated,
                               const float *previous_cell, const float *cell_tanh,
                               float *grad_gates, float *grad_previous_cell);
/// One GRU step with the reset gate applied after the recurrent product (Keras's
/// `reset_after=True`): from the input and recurrent projections `[batch, 3·units]` (biases
/// included, order z, r, h) and the previous hidden state, writes the activated gates
/// (z, r, candidate) and `h = z·h₋₁ + (1 − z)·candidate`.
void strata_gru_cell_forward(long batch, long units, const float *input_projection,
                             const float *recurrent_projection, const float *previous_hidden,
                             float *activated, float *hidden);
/// The gradients of that GRU step with respect to both projections and the previous state.
void strata_gru_cell_backward(long batch, long units, const float *grad_hidden,
                              const float *activated, const float *recurrent_projection,
                              const float *previous_hidden, float *grad_input_projection,
                              float *grad_recurrent_projection, float *grad_previous_hidden);

/// Draws `first + 1 ... first + count` of a SplitMix64 generator in state `state`, each as a
/// uniform float u = (bits >> 40) · 2⁻²⁴, writing `value` where u < `probability`, else 0.
void strata_bernoulli(uint64_t state, long first, long count, float probability, float value,
                      float *out);

/// A task of a parallel loop: runs part `part` of the work described by `context`.
typedef void (*strata_task_fn)(void *context, long part);

/// Runs `fn(context, 0..<parts)` on up to `threads` threads (the caller's included) of a
/// persistent pool, returning when every part is done. Serial when `threads` <= 1, when
/// called from inside a task, or while another thread uses the pool.
void strata_parallel_run(long parts, int threads, strata_task_fn fn, void *context);

/// A window sliding over channels-last images [batch, height, width, channels]: the sizes,
/// strides, dilation and leading padding of a convolution or pooling window and the output
/// size they give (StrataTensor's `WindowGeometry`).
typedef struct {
  long height, width, channels;
  long kh, kw;
  long strideHeight, strideWidth;
  long dilationHeight, dilationWidth;
  long top, left;
  long outHeight, outWidth;
} strata_window;

/// im2col for images [first, last): one row of kh·kw·channels values per window position,
/// taps row-major, a tap's channels together, zeros on padding.
void strata_im2col(const strata_window *w, long first, long last, const float *x, float *cols);

/// col2im for images [first, last): the rows summed back onto the (overwritten) images.
void strata_col2im(const strata_window *w, long first, long last, const float *cols, float *x);

/// Whether `strata_conv2d_direct` runs vectorised on this CPU (with the GEMM kernel chosen,
/// so not under `STRATA_GEMM_KERNEL=portable`).
int strata_conv2d_direct_available(void);

/// A direct convolution for output pixels [first, last) of the batch (flat over images and
/// positions), without a column matrix: `y[n, oh, ow, f]` (channels-last) is the window's
/// values times `kernel[p, f]`, summed over the depth `p` in blocks of `depthBlock` as the GEMM
/// sums im2col · kernel, plus `bias[f]` unless `bias` is NULL, then `max(·, 0)` if `relu`.
/// `packed` holds the kernel in panels of 16 filters, `packed[(f / 16) · depth · 16 + p · 16 +
/// f % 16]`, zero beyond `filters`; `bias` has room for as many. Returns 0 (writing nothing)
/// if it cannot allocate its row of zeros.
int strata_conv2d_direct(const strata_window *w, long first, long last, const float *x,
                         const float *packed, long filters, long depthBlock, const float *bias,
                         int relu, float *y);

/// `strata_conv2d_direct` followed by max pooling (as `strata_max_pool` computes it, no
/// winners) for images [first, last), without writing the convolution's output: each image's
/// pooled rows are made in bands whose convolution rows fit in L1, and only the rows some
/// window reads are computed. `pool` describes the pooling of the convolution's output
/// (`height`, `width` = `w`'s output size, `channels` = `filters`); `y` holds the pooled
/// images. Returns 0 (writing nothing) if it cannot allocate its buffers.
int strata_conv2d_direct_max_pooled(const strata_window *w, const strata_window *pool,
                                    long first, long last, const float *x, const float *packed,
                                    long filters, long depthBlock, const float *bias, int relu,
                                    float *y);

/// Max pooling for images [first, last): each window's maximum per channel into `y`, and the
/// flat input index it came from (the first maximum in row-major window order) into `winners`
/// unless it is NULL.
void strata_max_pool(const strata_window *w, long first, long last, const float *x, float *y,
                     int32_t *winners);

/// The max-pooling gradient for images [first, last): `dx` (overwritten) gets `g` at the
/// winners' positions.
void strata_max_pool_backward(const strata_window *w, long first, long last, const float *g,
                              const int32_t *winners, float *dx);

/// Average pooling for images [first, last): each window's mean over its real pixels.
void strata_average_pool(const strata_window *w, long first, long last, const float *x,
                         float *y);

/// The average-pooling gradient for images [first, last), `dx` overwritten.
void strata_average_pool_backward(const strata_window *w, long first, long last, const float *g,
                                  float *dx);

/// Keeps freed tensor-sized buffers in the process instead of unmapping them (glibc only).
void strata_tune_allocator(void);

#ifdef __cplusplus
}
#endif

#endif
