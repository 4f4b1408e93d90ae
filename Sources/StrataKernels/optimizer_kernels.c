// Optimizer update passes: one loop over a parameter and its slots.
//
// Swift's SIMD square root is lowered lane by lane with a libm fallback, which made the Adam
// pass the largest cost of a small model's step (38% of an MLP-S epoch). Here the same loop
// body is compiled three times (AVX-512, AVX2, baseline) and clang vectorises each; the CPU
// picks one at run time.
// Contraction into FMA is off, so every version rounds each operation alike and all three
// give the same bits as the scalar formula.
#include "StrataKernels.h"
#include "multiversion.h"

#include <math.h>

#pragma STDC FP_CONTRACT OFF
#if defined(__clang__)
#pragma clang fp contract(off)
#endif

// sqrtf may set errno, which keeps compilers from vectorising it; the element-wise builtin is
// the bare IEEE square root (the same correctly rounded value).
#if defined(__has_builtin)
#if __has_builtin(__builtin_elementwise_sqrt)
#define ROOT(x) __builtin_elementwise_sqrt(x)
#endif
#endif
#ifndef ROOT
#define ROOT(x) sqrtf(x)
#endif

// One Adam loop; `decays` first applies the decoupled weight decay `p − p·decay·lr` to each
// weight in the same pass (AdamW), the bits of the separate decay pass. The flags are
// constants at every call, so each combination compiles to its own loop.
STRATA_ALWAYS_INLINE void adam_loop(long n, float *restrict p, const float *restrict g,
                                    float *restrict m, float *restrict v, float *restrict vmax,
                                    float alpha, float keep1, float keep2, float epsilon,
                                    float decay, float decayRate, int amsgrad, int decays) {
  for (long i = 0; i < n; i++) {
    float gi = g[i];
    float pi = p[i];
    if (decays) pi = pi - pi * decay * decayRate;
    float mi = m[i] + (gi - m[i]) * keep1;
    float vi = v[i] + (gi * gi - v[i]) * keep2;
    m[i] = mi;
    v[i] = vi;
    float root = vi;
    if (amsgrad) {
      root = vmax[i] > vi ? vmax[i] : vi;
      vmax[i] = root;
    }
    p[i] = pi - alpha * mi / (ROOT(root) + epsilon);
  }
}

STRATA_ALWAYS_INLINE void adam_body(long n, float *restrict p, const float *restrict g,
                                    float *restrict m, float *restrict v, float *restrict vmax,
                                    float alpha, float keep1, float keep2, float epsilon,
                                    float decay, float decayRate) {
  if (vmax && decay != 0) {
    adam_loop(n, p, g, m, v, vmax, alpha, keep1, keep2, epsilon, decay, decayRate, 1, 1);
  } else if (vmax) {
    adam_loop(n, p, g, m, v, vmax, alpha, keep1, keep2, epsilon, 0, 0, 1, 0);
  } else if (decay != 0) {
    adam_loop(n, p, g, m, v, vmax, alpha, keep1, keep2, epsilon, decay, decayRate, 0, 1);
  } else {
    adam_loop(n, p, g, m, v, vmax, alpha, keep1, keep2, epsilon, 0, 0, 0, 0);
  }
}

// One loop per combination of the optional slots: a test on `mean` or `velocity` inside the
// loop kept it from being vectorised (RMSprop ran 3× slower than Adam). Each loop computes the
// same operations in the same order, so all give the same bits.
#define RMSPROP_LOOP(CENTERED, MOMENTUM)                                                      \
  for (long i = 0; i < n; i++) {                                                              \
    float gi = g[i];                                                                          \
    float a = rho * average[i] + keep * gi * gi;                                              \
    average[i] = a;                                                                           \
    float denominator = a;                                                                    \
    if (CENTERED) {                                                                           \
      float mg = rho * mean[i] + keep * gi;                                                   \
      mean[i] = mg;                                                                           \
      denominator = denominator - mg * mg;                                                    \
    }                                                                                         \
    float increment = lr * gi / ROOT(denominator + epsilon);                                  \
    if (MOMENTUM) {                                                                           \
      float step = momentum * velocity[i] + increment;                                        \
      velocity[i] = step;                                                                     \
      p[i] = p[i] - step;                                                                     \
    } else {                                                                                  \
      p[i] = p[i] - increment;                                                                \
    }                                                                                         \
  }

STRATA_ALWAYS_INLINE void rmsprop_body(long n, float *restrict p, const float *restrict g,
                                float *restrict average, float *restrict velocity,
                                float *restrict mean, float lr, float rho, float momentum,
                                float epsilon) {
  const float keep = 1.0f - rho;
  if (mean && velocity) {
    RMSPROP_LOOP(1, 1)
  } else if (mean) {
    RMSPROP_LOOP(1, 0)
  } else if (velocity) {
    RMSPROP_LOOP(0, 1)
  } else {
    RMSPROP_LOOP(0, 0)
  }
}

STRATA_ALWAYS_INLINE void sgd_body(long n, float *restrict p, const float *restrict g,
                            float *restrict velocity, float lr, float momentum, int nesterov) {
  if (!velocity) {
    for (long i = 0; i < n; i++) p[i] = p[i] - lr * g[i];
    return;
  }
  for (long i = 0; i < n; i++) {
    float scaled = lr * g[i];
    float step = momentum * velocity[i] - scaled;
    velocity[i] = step;
    p[i] = p[i] + (nesterov ? momentum * step - scaled : step);
  }
}

#define SGD_PARAMETERS                                                                         \
  (long n, float *restrict p, const float *restrict g, float *restrict velocity, float lr,      \
   float momentum, int nesterov)
#define ADAM_PARAMETERS                                                                        \
  (long n, float *restrict p, const float *restrict g, float *restrict m, float *restrict v,    \
   float *restrict vmax, float alpha, float keep1, float keep2, float epsilon, float decay,     \
   float decayRate)
#define RMSPROP_PARAMETERS                                                                     \
  (long n, float *restrict p, const float *restrict g, float *restrict average,                 \
   float *restrict velocity, float *restrict mean, float lr, float rho, float momentum,         \
   float epsilon)

STRATA_MULTIVERSION(sgd, SGD_PARAMETERS, (n, p, g, velocity, lr, momentum, nesterov))
STRATA_MULTIVERSION(adam, ADAM_PARAMETERS,
                    (n, p, g, m, v, vmax, alpha, keep1, keep2, epsilon, decay, decayRate))
STRATA_MULTIVERSION(rmsprop, RMSPROP_PARAMETERS,
                    (n, p, g, average, velocity, mean, lr, rho, momentum, epsilon))

void strata_sgd_update SGD_PARAMETERS { sgd_dispatch(n, p, g, velocity, lr, momentum, nesterov); }

void strata_adam_update ADAM_PARAMETERS {
  adam_dispatch(n, p, g, m, v, vmax, alpha, keep1, keep2, epsilon, decay, decayRate);
}

void strata_rmsprop_update RMSPROP_PARAMETERS {
  rmsprop_dispatch(n, p, g, average, velocity, mean, lr, rho, momentum, epsilon);
}

// The other rules, each Keras's formula. Where Keras divides every weight's term by a number
// that is the same for all of them in a step (Nadam's bias corrections, FTRL's learning
// rate), the loop multiplies by its reciprocal instead, and Adadelta takes one root of the
// ratio of its two averages where Keras divides one root by another. On a core whose divider
// is slow for 256-bit vectors (a Zen 3 divides 8 floats in 3.5 cycles and takes a root in
// about 6) those divisions and roots, not memory, set the pace: Nadam had four divisions and
// a root per weight where Adam has one of each. Each change moves a result by at most a unit
// or two in the last place (about 1e-7 relative), far inside the 1e-5 to which Strata
// matches Keras.

STRATA_ALWAYS_INLINE void adagrad_body(long n, float *restrict p, const float *restrict g,
                                       float *restrict accumulator, float lr, float epsilon) {
  for (long i = 0; i < n; i++) {
    float gi = g[i];
    float a = accumulator[i] + gi * gi;
    accumulator[i] = a;
    p[i] = p[i] - lr * gi / ROOT(a + epsilon);
  }
}

STRATA_ALWAYS_INLINE void adadelta_body(long n, float *restrict p, const float *restrict g,
                                        float *restrict gradientAverage,
                                        float *restrict deltaAverage, float lr, float rho,
                                        float epsilon) {
  const float keep = 1.0f - rho;
  for (long i = 0; i < n; i++) {
    float gi = g[i];
    float eg = rho * gradientAverage[i] + keep * gi * gi;
    gradientAverage[i] = eg;
    float delta = -gi * ROOT((deltaAverage[i] + epsilon) / (eg + epsilon));
    deltaAverage[i] = rho * deltaAverage[i] + keep * delta * delta;
    p[i] = p[i] + lr * delta;
  }
}

STRATA_ALWAYS_INLINE void adamax_body(long n, float *restrict p, const float *restrict g,
                                      float *restrict m, float *restrict u, float lr,
                                      float beta1, float beta2, float correction,
                                      float epsilon) {
  const float keep1 = 1.0f - beta1;
  for (long i = 0; i < n; i++) {
    float gi = g[i];
    float mi = m[i] + (gi - m[i]) * keep1;
    float decayed = beta2 * u[i], magnitude = fabsf(gi);
    float ui = magnitude >= decayed ? magnitude : decayed;  // Swift.max(decayed, magnitude)
    m[i] = mi;
    u[i] = ui;
    p[i] = p[i] - lr * mi / (correction * (ui + epsilon));
  }
}

STRATA_ALWAYS_INLINE void nadam_body(long n, float *restrict p, const float *restrict g,
                                     float *restrict m, float *restrict u, float lr,
                                     float beta1, float beta2, float current, float next,
                                     float product, float productNext, float secondCorrection,
                                     float epsilon) {
  const float keep1 = 1.0f - beta1, keep2 = 1.0f - beta2;
  const float firstDivisor = 1.0f - productNext, gradientScale = 1.0f - current,
              gradientDivisor = 1.0f - product;
  const float firstReciprocal = 1.0f / firstDivisor, gradientReciprocal = 1.0f / gradientDivisor,
              secondReciprocal = 1.0f / secondCorrection;
  for (long i = 0; i < n; i++) {
    float gi = g[i];
    float mi = m[i] + (gi - m[i]) * keep1;
    float ui = u[i] + (gi * gi - u[i]) * keep2;
    m[i] = mi;
    u[i] = ui;
    float mHat = next * mi * firstReciprocal + gradientScale * gi * gradientReciprocal;
    float uHat = ui * secondReciprocal;
    p[i] = p[i] - mHat * lr / (ROOT(uHat) + epsilon);
  }
}

STRATA_ALWAYS_INLINE void lion_body(long n, float *restrict p, const float *restrict g,
                                    float *restrict m, float lr, float beta1, float beta2) {
  const float keep1 = 1.0f - beta1, keep2 = 1.0f - beta2;
  for (long i = 0; i < n; i++) {
    float gi = g[i], mi = m[i];
    float c = mi * beta1 + gi * keep1;
    float direction = (float)(c > 0.0f) - (float)(c < 0.0f);  // sign, 0 at 0
    p[i] = p[i] - lr * direction;
    m[i] = mi * beta2 + gi * keep2;
  }
}

// Keras's FTRL-Proximal step. `twiceL2` is 2·(l2 + β/(2·lr)), `twiceShrinkage` 2·l2_shrinkage;
// `power` is −learning_rate_power, taken with a square root when it is ½ (the default), so
// the loop vectorises. `root` is a constant at each call of `ftrl_loop`, so each case
// compiles to a loop of its own.
STRATA_ALWAYS_INLINE void ftrl_loop(long n, float *restrict p, const float *restrict g,
                                    float *restrict accumulator, float *restrict linear, float lr,
                                    float power, float l1, float twiceL2, float twiceShrinkage,
                                    int root) {
  const float inverseRate = 1.0f / lr;
  for (long i = 0; i < n; i++) {
    float gi = g[i], pi = p[i], old = accumulator[i];
    float shrunk = gi + twiceShrinkage * pi;
    float updated = old + gi * gi;
    float powerNew = root ? ROOT(updated) : powf(updated, power);
    float powerOld = root ? ROOT(old) : powf(old, power);
    float l = linear[i] + (shrunk - (powerNew - powerOld) * inverseRate * pi);
    float quadratic = powerNew * inverseRate + twiceL2;
    float clipped = l < -l1 ? -l1 : (l > l1 ? l1 : l);
    linear[i] = l;
    p[i] = (clipped - l) / quadratic;
    accumulator[i] = updated;
  }
}

STRATA_ALWAYS_INLINE void ftrl_body(long n, float *restrict p, const float *restrict g,
                                    float *restrict accumulator, float *restrict linear, float lr,
                                    float power, float l1, float twiceL2, float twiceShrinkage) {
  if (power == 0.5f) {
    ftrl_loop(n, p, g, accumulator, linear, lr, power, l1, twiceL2, twiceShrinkage, 1);
  } else {
    ftrl_loop(n, p, g, accumulator, linear, lr, power, l1, twiceL2, twiceShrinkage, 0);
  }
}

STRATA_ALWAYS_INLINE void decay_body(long n, float *restrict p, float decay, float lr) {
  for (long i = 0; i < n; i++) p[i] = p[i] - p[i] * decay * lr;
}

#define ADAGRAD_PARAMETERS                                                                     \
  (long n, float *restrict p, const float *restrict g, float *restrict accumulator, float lr,   \
   float epsilon)
#define ADADELTA_PARAMETERS                                                                    \
  (long n, float *restrict p, const float *restrict g, float *restrict gradientAverage,         \
   float *restrict deltaAverage, float lr, float rho, float epsilon)
#define ADAMAX_PARAMETERS                                                                      \
  (long n, float *restrict p, const float *restrict g, float *restrict m, float *restrict u,    \
   float lr, float beta1, float beta2, float correction, float epsilon)
#define NADAM_PARAMETERS                                                                       \
  (long n, float *restrict p, const float *restrict g, float *restrict m, float *restrict u,    \
   float lr, float beta1, float beta2, float current, float next, float product,               \
   float productNext, float secondCorrection, float epsilon)
#define LION_PARAMETERS                                                                        \
  (long n, float *restrict p, const float *restrict g, float *restrict m, float lr, float beta1, \
   float beta2)
#define FTRL_PARAMETERS                                                                        \
  (long n, float *restrict p, const float *restrict g, float *restrict accumulator,            \
   float *restrict linear, float lr, float power, float l1, float twiceL2, float twiceShrinkage)
#define DECAY_PARAMETERS (long n, float *restrict p, float decay, float lr)

STRATA_MULTIVERSION(adagrad, ADAGRAD_PARAMETERS, (n, p, g, accumulator, lr, epsilon))
STRATA_MULTIVERSION(adadelta, ADADELTA_PARAMETERS,
                    (n, p, g, gradientAverage, deltaAverage, lr, rho, epsilon))
STRATA_MULTIVERSION(adamax, ADAMAX_PARAMETERS,
                    (n, p, g, m, u, lr, beta1, beta2, correction, epsilon))
STRATA_MULTIVERSION(nadam, NADAM_PARAMETERS,
                    (n, p, g, m, u, lr, beta1, beta2, current, next, product, productNext,
                     secondCorrection, epsilon))
STRATA_MULTIVERSION(lion, LION_PARAMETERS, (n, p, g, m, lr, beta1, beta2))
STRATA_MULTIVERSION(ftrl, FTRL_PARAMETERS,
                    (n, p, g, accumulator, linear, lr, power, l1, twiceL2, twiceShrinkage))
STRATA_MULTIVERSION(decay, DECAY_PARAMETERS, (n, p, decay, lr))

void strata_adagrad_update ADAGRAD_PARAMETERS {
  adagrad_dispatch(n, p, g, accumulator, lr, epsilon);
}

void strata_adadelta_update ADADELTA_PARAMETERS {
  adadelta_dispatch(n, p, g, gradientAverage, deltaAverage, lr, rho, epsilon);
}

void strata_adamax_update ADAMAX_PARAMETERS {
  adamax_dispatch(n, p, g, m, u, lr, beta1, beta2, correction, epsilon);
}

void strata_nadam_update NADAM_PARAMETERS {
  nadam_dispatch(n, p, g, m, u, lr, beta1, beta2, current, next, product, productNext,
                 secondCorrection, epsilon);
}

void strata_lion_update LION_PARAMETERS { lion_dispatch(n, p, g, m, lr, beta1, beta2); }

void strata_ftrl_update FTRL_PARAMETERS {
  ftrl_dispatch(n, p, g, accumulator, linear, lr, power, l1, twiceL2, twiceShrinkage);
}

void strata_weight_decay DECAY_PARAMETERS { decay_dispatch(n, p, decay, lr); }
