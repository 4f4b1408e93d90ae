import StrataKernels

/// Optimizer update rules as single vectorised passes over a parameter and its slots.
///
/// Strata's optimizers (in the `Strata` module) call these for their hot loops: each is one C
/// loop compiled for AVX-512, AVX2 and a baseline CPU, picked at run time, and split over
/// ``ComputeThreads`` for large parameters. Every version rounds each operation the same way,
/// so results do not depend on the CPU or the thread count.
public enum OptimizerUpdate {
  /// One SGD step, as Keras's `SGD.update_step` computes it: `p −= lr·g`, or with a
  /// momentum buffer `vel = momentum·vel − lr·g` and `p += vel` (Nesterov:
  /// `p += momentum·vel − lr·g`).
  public static func sgd(
    parameter: UnsafeMutableBufferPointer<Float>, gradient: UnsafeBufferPointer<Float>,
    velocity: UnsafeMutableBufferPointer<Float>?, learningRate: Float, momentum: Float,
    nesterov: Bool
  ) {
    let count = parameter.count
    precondition(
      gradient.count == count && (velocity?.count ?? count) == count,
      "OptimizerUpdate.sgd: buffers of different sizes")
    let (p, g, vel) = (parameter.baseAddress, gradient.baseAddress, velocity?.baseAddress)
    forChunks(count) { start, length in
      strata_sgd_update(
        length, p! + start, g! + start, vel.map { $0 + start }, learningRate, momentum,
        nesterov ? 1 : 0)
    }
  }

  /// One Adam step, as Keras's `Adam.update_step` computes it:
  ///
  /// `m += (g − m)(1 − β₁)`, `v += (g² − v)(1 − β₂)`, `p −= alpha · m / (√v + ε)`.
  ///
  /// `oneMinusBeta1` and `oneMinusBeta2` are the factors 1 − β as the caller rounds them (Keras
  /// computes them in double from the Python floats, then rounds to float32).
  /// `alpha` is the learning rate with the bias corrections folded in,
  /// `lr · √(1 − β₂ᵗ) / (1 − β₁ᵗ)`. With `maximum` (AMSGrad) the running maximum of `v` is
  /// kept there and used under the root. A non-zero `weightDecay` first applies AdamW's
  /// decoupled decay `p −= p · weightDecay · decayRate` in the same pass (the bits of
  /// ``weightDecay(parameter:decay:learningRate:)`` followed by the step). All buffers have the
  /// parameter's count.
  public static func adam(
    parameter: UnsafeMutableBufferPointer<Float>, gradient: UnsafeBufferPointer<Float>,
    firstMoment: UnsafeMutableBufferPointer<Float>, secondMoment: UnsafeMutableBufferPointer<Float>,
    maximum: UnsafeMutableBufferPointer<Float>?, alpha: Float, oneMinusBeta1: Float,
    oneMinusBeta2: Float, epsilon: Float, weightDecay: Float = 0, decayRate: Float = 0
  ) {
    let count = parameter.count
    precondition(
      gradient.count == count && firstMoment.count == count && secondMoment.count == count
        && (maximum?.count ?? count) == count,
      "OptimizerUpdate.adam: buffers of different sizes")
    let (p, g, m, v) = (
      parameter.baseAddress, gradient.baseAddress, firstMoment.baseAddress,
      secondMoment.baseAddress
    )
    let top = maximum?.baseAddress
    forChunks(count) { start, length in
      strata_adam_update(
        length, p! + start, g! + start, m! + start, v! + start, top.map { $0 + start }, alpha,
        oneMinusBeta1, oneMinusBeta2, epsilon, weightDecay, decayRate)
    }
  }

  /// One RMSprop step, as Keras's `RMSprop.update_step` computes it:
  ///
  /// `a = ρa + (1 − ρ)g²`; when centred, `ḡ = ρḡ + (1 − ρ)g` and `a − ḡ²` is used under the
  /// root; `Δ = lr · g / √(· + ε)`; with a momentum buffer `vel = momentum · vel + Δ` is
  /// subtracted instead of `Δ`.
  public static func rmsprop(
    parameter: UnsafeMutableBufferPointer<Float>, gradient: UnsafeBufferPointer<Float>,
    average: UnsafeMutableBufferPointer<Float>, velocity: UnsafeMutableBufferPointer<Float>?,
    meanGradient: UnsafeMutableBufferPointer<Float>?, learningRate: Float, rho: Float,
    momentum: Float, epsilon: Float
  ) {
    let count = parameter.count
    precondition(
      gradient.count == count && average.count == count && (velocity?.count ?? count) == count
        && (meanGradient?.count ?? count) == count,
      "OptimizerUpdate.rmsprop: buffers of different sizes")
    let (p, g, a) = (parameter.baseAddress, gradient.baseAddress, average.baseAddress)
    let (vel, mean) = (velocity?.baseAddress, meanGradient?.baseAddress)
    forChunks(count) { start, length in
      strata_rmsprop_update(
        length, p! + start, g! + start, a! + start, vel.map { $0 + start },
        mean.map { $0 + start }, learningRate, rho, momentum, epsilon)
    }
  }

  /// One Adagrad step, as Keras's `Adagrad.update_step`: `acc += g²`,
  /// `p −= lr · g / √(acc + ε)`.
  public static func adagrad(
    parameter: UnsafeMutableBufferPointer<Float>, gradient: UnsafeBufferPointer<Float>,
    accumulator: UnsafeMutableBufferPointer<Float>, learningRate: Float, epsilon: Float
  ) {
    let count = checkedCount(parameter, gradient, [accumulator], "adagrad")
    let (p, g, a) = (parameter.baseAddress, gradient.baseAddress, accumulator.baseAddress)
    forChunks(count) { start, length in
      strata_adagrad_update(length, p! + start, g! + start, a! + start, learningRate, epsilon)
    }
  }

  /// One Adadelta step, as Keras's: `Eg = ρEg + (1 − ρ)g²`,
  /// `Δ = −√(Ed + ε) · g / √(Eg + ε)`, `Ed = ρEd + (1 − ρ)Δ²`, `p += lr · Δ`.
  public static func adadelta(
    parameter: UnsafeMutableBufferPointer<Float>, gradient: UnsafeBufferPointer<Float>,
    gradientAverage: UnsafeMutableBufferPointer<Float>,
    deltaAverage: UnsafeMutableBufferPointer<Float>, learningRate: Float, rho: Float,
    epsilon: Float
  ) {
    let count = checkedCount(parameter, gradient, [gradientAverage, deltaAverage], "adadelta")
    let (p, g) = (parameter.baseAddress, gradient.baseAddress)
    let (eg, ed) = (gradientAverage.baseAddress, deltaAverage.baseAddress)
    forChunks(count) { start, length in
      strata_adadelta_update(
        length, p! + start, g! + start, eg! + start, ed! + start, learningRate, rho, epsilon)
    }
  }

  /// One Adamax step, as Keras's: `m += (g − m)(1 − β₁)`, `u = max(β₂u, |g|)`,
  /// `p −= lr · m / (correction · (u + ε))`, with `correction = 1 − β₁ᵗ`.
  public static func adamax(
    parameter: UnsafeMutableBufferPointer<Float>, gradient: UnsafeBufferPointer<Float>,
    firstMoment: UnsafeMutableBufferPointer<Float>, infinityNorm: UnsafeMutableBufferPointer<Float>,
    learningRate: Float, beta1: Float, beta2: Float, correction: Float, epsilon: Float
  ) {
    let count = checkedCount(parameter, gradient, [firstMoment, infinityNorm], "adamax")
    let (p, g) = (parameter.baseAddress, gradient.baseAddress)
    let (m, u) = (firstMoment.baseAddress, infinityNorm.baseAddress)
    forChunks(count) { start, length in
      strata_adamax_update(
        length, p! + start, g! + start, m! + start, u! + start, learningRate, beta1, beta2,
        correction, epsilon)
    }
  }

  /// One FTRL-Proximal step, as Keras's `Ftrl`: `a' = a + g²`,
  /// `linear += g + 2s·p − (a'^power − a^power)/lr · p`,
  /// `p = (clip(linear, −l1, l1) − linear) / (a'^power/lr + 2·l2)`, where `power` is
  /// −`learning_rate_power`, `s` the L2 shrinkage and `l2` already includes `β/(2·lr)`.
  public static func ftrl(
    parameter: UnsafeMutableBufferPointer<Float>, gradient: UnsafeBufferPointer<Float>,
    accumulator: UnsafeMutableBufferPointer<Float>, linear: UnsafeMutableBufferPointer<Float>,
    learningRate: Float, power: Float, l1: Float, twiceL2: Float, twiceShrinkage: Float
  ) {
    let count = checkedCount(parameter, gradient, [accumulator, linear], "ftrl")
    let (p, g) = (parameter.baseAddress, gradient.baseAddress)
    let (a, l) = (accumulator.baseAddress, linear.baseAddress)
    forChunks(count) { start, length in
      strata_ftrl_update(
        length, p! + start, g! + start, a! + start, l! + start, learningRate, power, l1,
        twiceL2, twiceShrinkage)
    }
  }

  /// One Lion step, as Keras's: `p −= lr · sign(β₁m + (1 − β₁)g)`, then
  /// `m = β₂m + (1 − β₂)g`.
  public static func lion(
    parameter: UnsafeMutableBufferPointer<Float>, gradient: UnsafeBufferPointer<Float>,
    momentum: UnsafeMutableBufferPointer<Float>, learningRate: Float, beta1: Float, beta2: Float
  ) {
    let count = checkedCount(parameter, gradient, [momentum], "lion")
    let (p, g, m) = (parameter.baseAddress, gradient.baseAddress, momentum.baseAddress)
    forChunks(count) { start, length in
      strata_lion_update(length, p! + start, g! + start, m! + start, learningRate, beta1, beta2)
    }
  }

  /// One Nadam step, as Keras's: `m += (g − m)(1 − β₁)`, `u += (g² − u)(1 − β₂)`,
  /// `m̂ = next · m / (1 − productNext) + (1 − current) · g / (1 − product)`,
  /// `û = u / secondCorrection`, `p −= m̂ · lr / (√û + ε)`.
  public static func nadam(
    parameter: UnsafeMutableBufferPointer<Float>, gradient: UnsafeBufferPointer<Float>,
    firstMoment: UnsafeMutableBufferPointer<Float>, secondMoment: UnsafeMutableBufferPointer<Float>,
    learningRate: Float, beta1: Float, beta2: Float, current: Float, next: Float,
    product: Float, productNext: Float, secondCorrection: Float, epsilon: Float
  ) {
    let count = checkedCount(parameter, gradient, [firstMoment, secondMoment], "nadam")
    let (p, g) = (parameter.baseAddress, gradient.baseAddress)
    let (m, u) = (firstMoment.baseAddress, secondMoment.baseAddress)
    forChunks(count) { start, length in
      strata_nadam_update(
        length, p! + start, g! + start, m! + start, u! + start, learningRate, beta1, beta2,
        current, next, product, productNext, secondCorrection, epsilon)
    }
  }

  /// Decoupled weight decay, as Keras's `BaseOptimizer._apply_weight_decay`:
  /// `p −= p · decay · lr`.
  public static func weightDecay(
    parameter: UnsafeMutableBufferPointer<Float>, decay: Float, learningRate: Float
  ) {
    let p = parameter.baseAddress
    forChunks(parameter.count) { start, length in
      strata_weight_decay(length, p! + start, decay, learningRate)
    }
  }

  /// The parameter's count, after checking that every buffer has it.
  private static func checkedCount(
    _ parameter: UnsafeMutableBufferPointer<Float>, _ gradient: UnsafeBufferPointer<Float>,
    _ slots: [UnsafeMutableBufferPointer<Float>], _ rule: String
  ) -> Int {
    let count = parameter.count
    precondition(
      gradient.count == count && slots.allSatisfy { $0.count == count },
      "OptimizerUpdate.\(rule): buffers of different sizes")
    return count
  }

  /// Runs `body(start, length)` over `0..<count` in contiguous chunks, on several threads when
  /// the pass is large enough to pay for them.
  private static func forChunks(_ count: Int, _ body: (Int, Int) -> Void) {
    guard count > 0 else { return }
    parallelRanges(count: count, minimumChunk: 1 << 14) { range in
      body(range.lowerBound, range.count)
    }
  }
}
