import Foundation

/// Nadam (Adam with Nesterov momentum), Keras's `Nadam`, with its momentum schedule
/// `μₜ = β₁(1 − ½·0.96ᵗ)` and running product `Π` (kept in ``OptimizerCore/scalars`` as
/// `momentum_product`, so it is saved with the optimizer's state).
public final class Nadam: Optimizer {
  /// The shared options and state.
  public let core: OptimizerCore
  /// The decay of the first moment (Keras default 0.9).
  public let beta1: Float
  /// The decay of the second moment (Keras default 0.999).
  public let beta2: Float
  /// Added to the square root (Keras default 1e-7).
  public let epsilon: Float

  /// Creates Nadam with Keras's defaults (`learningRate: 0.001`).
  public convenience init(
    learningRate: Float = 0.001, beta1: Float = 0.9, beta2: Float = 0.999, epsilon: Float = 1e-7,
    clipNorm: Float? = nil, clipValue: Float? = nil, globalClipNorm: Float? = nil,
    weightDecay: Float? = nil, decay: Float = 0, useEMA: Bool = false, emaMomentum: Float = 0.99,
    emaOverwriteFrequency: Int? = nil,
    gradientAccumulationSteps: Int? = nil
  ) {
    self.init(
      core: OptimizerCore(
        name: "nadam", learningRate: learningRate, clipNorm: clipNorm, clipValue: clipValue,
        globalClipNorm: globalClipNorm, weightDecay: weightDecay, decay: decay, useEMA: useEMA,
        emaMomentum: emaMomentum,
        emaOverwriteFrequency: emaOverwriteFrequency,
        gradientAccumulationSteps: gradientAccumulationSteps),
      beta1: beta1, beta2: beta2, epsilon: epsilon)
  }

  init(core: OptimizerCore, beta1: Float, beta2: Float, epsilon: Float) {
    self.core = core
    self.beta1 = beta1
    self.beta2 = beta2
    self.epsilon = epsilon
  }

  /// Slots: first and second moments.
  public var slotCount: Int { 2 }
  /// Non-negative: the second moment.
  public func slotIsNonNegative(_ index: Int) -> Bool { index == 1 }

  private static let productKey = "momentum_product"

  /// `Π`, the product of the momentum cache over the steps taken (1 before the first).
  var momentumProduct: Float { core.scalars[Nadam.productKey] ?? 1 }

  private func momentumCache(_ step: Int) -> Float {
    beta1 * (1 - 0.5 * Foundation.pow(0.96, Float(step)))
  }

  /// Advances `Π ← Π·μₜ` once per step.
  public func prepareStep(_ step: Int) {
    core.scalars[Nadam.productKey] = momentumProduct * momentumCache(step)
  }

  /// The Nadam rule.
  public func update(
    parameter: UnsafeMutableBufferPointer<Float>, gradient: UnsafeBufferPointer<Float>,
    slots: [UnsafeMutableBufferPointer<Float>], learningRate lr: Float, step: Int
  ) {
    let current = momentumCache(step)
    let next = momentumCache(step + 1)
    let product = momentumProduct
    let productNext = product * next
    let secondCorrection = 1 - Foundation.pow(beta2, Float(step))
    OptimizerUpdate.nadam(
      parameter: parameter, gradient: gradient, firstMoment: slots[0], secondMoment: slots[1],
      learningRate: lr, beta1: beta1, beta2: beta2, current: current, next: next,
      product: product, productNext: productNext, secondCorrection: secondCorrection,
      epsilon: epsilon)
  }

  /// The shared options, `beta_1`, `beta_2` and `epsilon`.
  public var configuration: Configuration {
    core.configuration.merging(["beta_1": beta1, "beta_2": beta2, "epsilon": epsilon])
  }

  /// Rebuilds Nadam; missing keys take Keras's defaults.
  public convenience init(configuration: Configuration) throws {
    self.init(
      core: try OptimizerCore(configuration: configuration, name: "nadam", learningRate: 0.001),
      beta1: try configuration.value("beta_1", default: 0.9),
      beta2: try configuration.value("beta_2", default: 0.999),
      epsilon: try configuration.value("epsilon", default: 1e-7))
  }
}

extension Optimizer where Self == Nadam {
  /// Nadam with Keras's defaults.
  public static var nadam: Nadam { Nadam() }
  /// Nadam with every argument of its initializer (Keras's `keras.optimizers.Nadam`; the
  /// `decay` argument Keras 3 ignores is left out).
  public static func nadam(
    learningRate: Float = 0.001, beta1: Float = 0.9, beta2: Float = 0.999, epsilon: Float = 1e-7,
    clipNorm: Float? = nil, clipValue: Float? = nil, globalClipNorm: Float? = nil,
    weightDecay: Float? = nil, useEMA: Bool = false, emaMomentum: Float = 0.99,
    emaOverwriteFrequency: Int? = nil,
    gradientAccumulationSteps: Int? = nil
  ) -> Nadam {
    Nadam(
      learningRate: learningRate, beta1: beta1, beta2: beta2, epsilon: epsilon, clipNorm: clipNorm,
      clipValue: clipValue, globalClipNorm: globalClipNorm, weightDecay: weightDecay,
      useEMA: useEMA, emaMomentum: emaMomentum,
      emaOverwriteFrequency: emaOverwriteFrequency,
      gradientAccumulationSteps: gradientAccumulationSteps)
  }
}
