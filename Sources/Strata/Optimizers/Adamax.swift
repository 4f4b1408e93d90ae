import Foundation

/// Adamax, Keras's `Adamax`: `m += (g − m)(1 − β₁)`, `u = max(β₂u, |g|)`,
/// `w −= lr·m/((1 − β₁ᵗ)(u + ε))`.
public final class Adamax: Optimizer {
  /// The shared options and state.
  public let core: OptimizerCore
  /// The decay of the first moment (Keras default 0.9).
  public let beta1: Float
  /// The decay of the infinity norm (Keras default 0.999).
  public let beta2: Float
  /// Added to the norm (Keras default 1e-7).
  public let epsilon: Float

  /// Creates Adamax with Keras's defaults (`learningRate: 0.001`).
  public convenience init(
    learningRate: Float = 0.001, beta1: Float = 0.9, beta2: Float = 0.999, epsilon: Float = 1e-7,
    clipNorm: Float? = nil, clipValue: Float? = nil, globalClipNorm: Float? = nil,
    weightDecay: Float? = nil, decay: Float = 0, useEMA: Bool = false, emaMomentum: Float = 0.99,
    emaOverwriteFrequency: Int? = nil,
    gradientAccumulationSteps: Int? = nil
  ) {
    self.init(
      core: OptimizerCore(
        name: "adamax", learningRate: learningRate, clipNorm: clipNorm, clipValue: clipValue,
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

  /// Slots: first moment and infinity norm.
  public var slotCount: Int { 2 }
  /// Non-negative: the infinity norm.
  public func slotIsNonNegative(_ index: Int) -> Bool { index == 1 }

  /// The Adamax rule.
  public func update(
    parameter: UnsafeMutableBufferPointer<Float>, gradient: UnsafeBufferPointer<Float>,
    slots: [UnsafeMutableBufferPointer<Float>], learningRate lr: Float, step: Int
  ) {
    let correction = 1 - Foundation.pow(beta1, Float(step))
    OptimizerUpdate.adamax(
      parameter: parameter, gradient: gradient, firstMoment: slots[0], infinityNorm: slots[1],
      learningRate: lr, beta1: beta1, beta2: beta2, correction: correction, epsilon: epsilon)
  }

  /// The shared options, `beta_1`, `beta_2` and `epsilon`.
  public var configuration: Configuration {
    core.configuration.merging(["beta_1": beta1, "beta_2": beta2, "epsilon": epsilon])
  }

  /// Rebuilds Adamax; missing keys take Keras's defaults.
  public convenience init(configuration: Configuration) throws {
    self.init(
      core: try OptimizerCore(configuration: configuration, name: "adamax", learningRate: 0.001),
      beta1: try configuration.value("beta_1", default: 0.9),
      beta2: try configuration.value("beta_2", default: 0.999),
      epsilon: try configuration.value("epsilon", default: 1e-7))
  }
}

extension Optimizer where Self == Adamax {
  /// Adamax with Keras's defaults.
  public static var adamax: Adamax { Adamax() }
  /// Adamax with every argument of its initializer (Keras's `keras.optimizers.Adamax`; the
  /// `decay` argument Keras 3 ignores is left out).
  public static func adamax(
    learningRate: Float = 0.001, beta1: Float = 0.9, beta2: Float = 0.999, epsilon: Float = 1e-7,
    clipNorm: Float? = nil, clipValue: Float? = nil, globalClipNorm: Float? = nil,
    weightDecay: Float? = nil, useEMA: Bool = false, emaMomentum: Float = 0.99,
    emaOverwriteFrequency: Int? = nil,
    gradientAccumulationSteps: Int? = nil
  ) -> Adamax {
    Adamax(
      learningRate: learningRate, beta1: beta1, beta2: beta2, epsilon: epsilon, clipNorm: clipNorm,
      clipValue: clipValue, globalClipNorm: globalClipNorm, weightDecay: weightDecay,
      useEMA: useEMA, emaMomentum: emaMomentum,
      emaOverwriteFrequency: emaOverwriteFrequency,
      gradientAccumulationSteps: gradientAccumulationSteps)
  }
}
