/// RMSprop, Keras's `RMSprop` (the default optimizer of `compile`).
///
/// `a = ρa + (1−ρ)g²`; centred: `ḡ = ρḡ + (1−ρ)g`, `d = a − ḡ² + ε`, else `d = a + ε`;
/// `Δ = lr·g/√d`; with momentum `mom = μ·mom + Δ`, `w −= mom`, else `w −= Δ`.
/// Note ε sits inside the square root, as in Keras.
public final class RMSprop: Optimizer {
  /// The shared options and state.
  public let core: OptimizerCore
  /// The decay `ρ` of the squared-gradient average (Keras default 0.9).
  public let rho: Float
  /// Momentum (Keras default 0).
  public let momentum: Float
  /// Added inside the square root (Keras default 1e-7).
  public let epsilon: Float
  /// Whether to normalise by the variance instead of the second moment.
  public let centered: Bool

  /// Creates RMSprop with Keras's defaults (`learningRate: 0.001`).
  public convenience init(
    learningRate: Float = 0.001, rho: Float = 0.9, momentum: Float = 0, epsilon: Float = 1e-7,
    centered: Bool = false, clipNorm: Float? = nil, clipValue: Float? = nil,
    globalClipNorm: Float? = nil, weightDecay: Float? = nil, decay: Float = 0, useEMA: Bool = false,
    emaMomentum: Float = 0.99, emaOverwriteFrequency: Int? = nil,
    gradientAccumulationSteps: Int? = nil
  ) {
    self.init(
      core: OptimizerCore(
        name: "rmsprop", learningRate: learningRate, clipNorm: clipNorm, clipValue: clipValue,
        globalClipNorm: globalClipNorm, weightDecay: weightDecay, decay: decay, useEMA: useEMA,
        emaMomentum: emaMomentum,
        emaOverwriteFrequency: emaOverwriteFrequency,
        gradientAccumulationSteps: gradientAccumulationSteps),
      rho: rho, momentum: momentum, epsilon: epsilon, centered: centered)
  }

  init(core: OptimizerCore, rho: Float, momentum: Float, epsilon: Float, centered: Bool) {
    self.core = core
    self.rho = rho
    self.momentum = momentum
    self.epsilon = epsilon
    self.centered = centered
  }

  /// Slots: the squared average, the momentum buffer, the gradient average.
  public var slotCount: Int { 3 }
  /// Non-negative: the average of squared gradients.
  public func slotIsNonNegative(_ index: Int) -> Bool { index == 0 }

  /// The RMSprop rule.
  public func update(
    parameter: UnsafeMutableBufferPointer<Float>, gradient: UnsafeBufferPointer<Float>,
    slots: [UnsafeMutableBufferPointer<Float>], learningRate lr: Float, step: Int
  ) {
    OptimizerUpdate.rmsprop(
      parameter: parameter, gradient: gradient, average: slots[0],
      velocity: momentum > 0 ? slots[1] : nil, meanGradient: centered ? slots[2] : nil,
      learningRate: lr, rho: rho, momentum: momentum, epsilon: epsilon)
  }

  /// The shared options, `rho`, `momentum`, `epsilon` and `centered`.
  public var configuration: Configuration {
    core.configuration.merging([
      "rho": rho, "momentum": momentum, "epsilon": epsilon, "centered": centered,
    ])
  }

  /// Rebuilds RMSprop; missing keys take Keras's defaults.
  public convenience init(configuration: Configuration) throws {
    self.init(
      core: try OptimizerCore(configuration: configuration, name: "rmsprop", learningRate: 0.001),
      rho: try configuration.value("rho", default: 0.9),
      momentum: try configuration.value("momentum", default: 0),
      epsilon: try configuration.value("epsilon", default: 1e-7),
      centered: try configuration.value("centered", default: false))
  }
}

extension Optimizer where Self == RMSprop {
  /// RMSprop with Keras's defaults.
  public static var rmsprop: RMSprop { RMSprop() }

  /// RMSprop with every argument of its initializer (Keras's `keras.optimizers.RMSprop`; the
  /// `decay` argument Keras 3 ignores is left out).
  public static func rmsprop(
    learningRate: Float = 0.001, rho: Float = 0.9, momentum: Float = 0, epsilon: Float = 1e-7,
    centered: Bool = false, clipNorm: Float? = nil, clipValue: Float? = nil,
    globalClipNorm: Float? = nil, weightDecay: Float? = nil, useEMA: Bool = false,
    emaMomentum: Float = 0.99, emaOverwriteFrequency: Int? = nil,
    gradientAccumulationSteps: Int? = nil
  ) -> RMSprop {
    RMSprop(
      learningRate: learningRate, rho: rho, momentum: momentum, epsilon: epsilon,
      centered: centered, clipNorm: clipNorm, clipValue: clipValue, globalClipNorm: globalClipNorm,
      weightDecay: weightDecay, useEMA: useEMA, emaMomentum: emaMomentum,
      emaOverwriteFrequency: emaOverwriteFrequency,
      gradientAccumulationSteps: gradientAccumulationSteps)
  }
}
