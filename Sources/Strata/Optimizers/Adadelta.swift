/// Adadelta, Keras's `Adadelta`: `Eg = ρEg + (1−ρ)g²`, `Δ = −√(Ed + ε)·g/√(Eg + ε)`,
/// `Ed = ρEd + (1−ρ)Δ²`, `w += lr·Δ`.
public final class Adadelta: Optimizer {
  /// The shared options and state.
  public let core: OptimizerCore
  /// The decay `ρ` (Keras default 0.95).
  public let rho: Float
  /// Added inside the square roots (Keras default 1e-7).
  public let epsilon: Float

  /// Creates Adadelta with Keras's defaults (`learningRate: 0.001`).
  public convenience init(
    learningRate: Float = 0.001, rho: Float = 0.95, epsilon: Float = 1e-7,
    clipNorm: Float? = nil, clipValue: Float? = nil, globalClipNorm: Float? = nil,
    weightDecay: Float? = nil, decay: Float = 0, useEMA: Bool = false, emaMomentum: Float = 0.99,
    emaOverwriteFrequency: Int? = nil,
    gradientAccumulationSteps: Int? = nil
  ) {
    self.init(
      core: OptimizerCore(
        name: "adadelta", learningRate: learningRate, clipNorm: clipNorm, clipValue: clipValue,
        globalClipNorm: globalClipNorm, weightDecay: weightDecay, decay: decay, useEMA: useEMA,
        emaMomentum: emaMomentum,
        emaOverwriteFrequency: emaOverwriteFrequency,
        gradientAccumulationSteps: gradientAccumulationSteps),
      rho: rho, epsilon: epsilon)
  }

  init(core: OptimizerCore, rho: Float, epsilon: Float) {
    self.core = core
    self.rho = rho
    self.epsilon = epsilon
  }

  /// Slots: the squared-gradient average and the squared-update average.
  public var slotCount: Int { 2 }
  /// Non-negative: both averages of squares.
  public func slotIsNonNegative(_ index: Int) -> Bool { true }

  /// The Adadelta rule.
  public func update(
    parameter: UnsafeMutableBufferPointer<Float>, gradient: UnsafeBufferPointer<Float>,
    slots: [UnsafeMutableBufferPointer<Float>], learningRate lr: Float, step: Int
  ) {
    OptimizerUpdate.adadelta(
      parameter: parameter, gradient: gradient, gradientAverage: slots[0],
      deltaAverage: slots[1], learningRate: lr, rho: rho, epsilon: epsilon)
  }

  /// The shared options, `rho` and `epsilon`.
  public var configuration: Configuration {
    core.configuration.merging(["rho": rho, "epsilon": epsilon])
  }

  /// Rebuilds Adadelta; missing keys take Keras's defaults.
  public convenience init(configuration: Configuration) throws {
    self.init(
      core: try OptimizerCore(configuration: configuration, name: "adadelta", learningRate: 0.001),
      rho: try configuration.value("rho", default: 0.95),
      epsilon: try configuration.value("epsilon", default: 1e-7))
  }
}

extension Optimizer where Self == Adadelta {
  /// Adadelta with Keras's defaults.
  public static var adadelta: Adadelta { Adadelta() }
  /// Adadelta with every argument of its initializer (Keras's `keras.optimizers.Adadelta`; the
  /// `decay` argument Keras 3 ignores is left out).
  public static func adadelta(
    learningRate: Float = 0.001, rho: Float = 0.95, epsilon: Float = 1e-7, clipNorm: Float? = nil,
    clipValue: Float? = nil, globalClipNorm: Float? = nil, weightDecay: Float? = nil,
    useEMA: Bool = false, emaMomentum: Float = 0.99, emaOverwriteFrequency: Int? = nil,
    gradientAccumulationSteps: Int? = nil
  ) -> Adadelta {
    Adadelta(
      learningRate: learningRate, rho: rho, epsilon: epsilon, clipNorm: clipNorm,
      clipValue: clipValue, globalClipNorm: globalClipNorm, weightDecay: weightDecay,
      useEMA: useEMA, emaMomentum: emaMomentum,
      emaOverwriteFrequency: emaOverwriteFrequency,
      gradientAccumulationSteps: gradientAccumulationSteps)
  }
}
