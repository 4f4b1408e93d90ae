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
  /// `alpha` is the learning rate with the bias corrections folded in,
  /// `lr · √(1 − β₂ᵗ) / (1 − β₁ᵗ)`. With `maximum` (AMSGrad) the running maximum of `v` is
  /// kept there and used under the root. All buffers have the parameter's count.
  public static func adam(
    parameter: UnsafeMutableBufferPointer<Float>, gradient: UnsafeBufferPointer<Float>,
    firstMoment: UnsafeMutableBufferPointer<Float>, secondMoment: UnsafeMutableBufferPointer<Float>,
    maximum: UnsafeMutableBufferPointer<Float>?, alpha: Float, beta1: Float, beta2: Float,
    epsilon: Float
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
        beta1, beta2, epsilon)
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

  /// Runs `body(start, length)` over `0..<count` in contiguous chunks, on several threads when
  /// the pass is large enough to pay for them.
  private static func forChunks(_ count: Int, _ body: (Int, Int) -> Void) {
    guard count > 0 else { return }
    parallelRanges(count: count, minimumChunk: 1 << 14) { range in
      body(range.lowerBound, range.count)
    }
  }
}
