/// Adagrad, Keras's `Adagrad`: `acc += g²`, `w −= lr·g/√(acc + ε)`, with the accumulator
/// starting at `initialAccumulatorValue` (Keras default 0.1).
public final class Adagrad: Optimizer {
  /// The shared options and state.
  public let core: OptimizerCore
  /// The accumulator's starting value.
  public let initialAccumulatorValue: Float
  /// Added inside the square root (Keras default 1e-7).
  public let epsilon: Float

  /// Creates Adagrad with Keras's defaults (`learningRate: 0.001`).
  public convenience init(
    learningRate: Float = 0.001, initialAccumulatorValue: Float = 0.1, epsilon: Float = 1e-7,
    clipNorm: Float? = nil, clipValue: Float? = nil, globalClipNorm: Float? = nil,
    weightDecay: Float? = nil, decay: Float = 0, useEMA: Bool = false, emaMomentum: Float = 0.99,
    emaOverwriteFrequency: Int? = nil,
    gradientAccumulationSteps: Int? = nil
  ) {
    self.init(
      core: OptimizerCore(
        name: "adagrad", learningRate: learningRate, clipNorm: clipNorm, clipValue: clipValue,
        globalClipNorm: globalClipNorm, weightDecay: weightDecay, decay: decay, useEMA: useEMA,
        emaMomentum: emaMomentum,
        emaOverwriteFrequency: emaOverwriteFrequency,
        gradientAccumulationSteps: gradientAccumulationSteps),
      initialAccumulatorValue: initialAccumulatorValue, epsilon: epsilon)
  }

  init(core: OptimizerCore, initialAccumulatorValue: Float, epsilon: Float) {
    self.core = core
    self.initialAccumulatorValue = initialAccumulatorValue
    self.epsilon = epsilon
  }

  /// One accumulator slot.
  public var slotCount: Int { 1 }
  /// Non-negative: the accumulator.
  public func slotIsNonNegative(_ index: Int) -> Bool { true }
  /// The accumulator starts at `initialAccumulatorValue`.
  public func initialSlotValue(_ index: Int) -> Float { initialAccumulatorValue }

  /// The Adagrad rule.
  public func update(
    parameter: UnsafeMutableBufferPointer<Float>, gradient: UnsafeBufferPointer<Float>,
    slots: [UnsafeMutableBufferPointer<Float>], learningRate lr: Float, step: Int
  ) {
    OptimizerUpdate.adagrad(
      parameter: parameter, gradient: gradient, accumulator: slots[0], learningRate: lr,
      epsilon: epsilon)
  }

  /// The shared options, `initial_accumulator_value` and `epsilon`.
  public var configuration: Configuration {
    core.configuration.merging([
      "initial_accumulator_value": initialAccumulatorValue, "epsilon": epsilon,
    ])
  }

  /// Rebuilds Adagrad; missing keys take Keras's defaults.
  public convenience init(configuration: Configuration) throws {
    self.init(
      core: try OptimizerCore(configuration: configuration, name: "adagrad", learningRate: 0.001),
      initialAccumulatorValue: try configuration.value("initial_accumulator_value", default: 0.1),
      epsilon: try configuration.value("epsilon", default: 1e-7))
  }
}

extension Optimizer where Self == Adagrad {
  /// Adagrad with Keras's defaults.
  public static var adagrad: Adagrad { Adagrad() }
  /// Adagrad with every argument of its initializer (Keras's `keras.optimizers.Adagrad`; the
  /// `decay` argument Keras 3 ignores is left out).
  public static func adagrad(
    learningRate: Float = 0.001, initialAccumulatorValue: Float = 0.1, epsilon: Float = 1e-7,
    clipNorm: Float? = nil, clipValue: Float? = nil, globalClipNorm: Float? = nil,
    weightDecay: Float? = nil, useEMA: Bool = false, emaMomentum: Float = 0.99,
    emaOverwriteFrequency: Int? = nil,
    gradientAccumulationSteps: Int? = nil
  ) -> Adagrad {
    Adagrad(
      learningRate: learningRate, initialAccumulatorValue: initialAccumulatorValue,
      epsilon: epsilon, clipNorm: clipNorm, clipValue: clipValue, globalClipNorm: globalClipNorm,
      weightDecay: weightDecay, useEMA: useEMA, emaMomentum: emaMomentum,
      emaOverwriteFrequency: emaOverwriteFrequency,
      gradientAccumulationSteps: gradientAccumulationSteps)
  }
}
