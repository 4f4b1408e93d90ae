/// Lion (EvoLved Sign Momentum, Chen et al. 2023), Keras's `Lion`: every step moves each
/// weight by exactly `lr` in the direction of an interpolated momentum's sign,
/// `w −= lr · sign(β₁m + (1 − β₁)g)`, then `m = β₂m + (1 − β₂)g`. One slot, so half Adam's
/// memory; its `learningRate` is usually 3–10 times smaller than Adam's.
public final class Lion: Optimizer {
  /// The shared options and state.
  public let core: OptimizerCore
  /// How much of the momentum the update's direction keeps (Keras default 0.9), in `(0, 1]`.
  public let beta1: Float
  /// The decay of the momentum itself (Keras default 0.99).
  public let beta2: Float

  /// Creates Lion with Keras's defaults (`learningRate: 0.001`).
  public convenience init(
    learningRate: Float = 0.001, beta1: Float = 0.9, beta2: Float = 0.99, clipNorm: Float? = nil,
    clipValue: Float? = nil, globalClipNorm: Float? = nil, weightDecay: Float? = nil,
    useEMA: Bool = false, emaMomentum: Float = 0.99, emaOverwriteFrequency: Int? = nil,
    gradientAccumulationSteps: Int? = nil
  ) {
    self.init(
      core: OptimizerCore(
        name: "lion", learningRate: learningRate, clipNorm: clipNorm, clipValue: clipValue,
        globalClipNorm: globalClipNorm, weightDecay: weightDecay, useEMA: useEMA,
        emaMomentum: emaMomentum,
        emaOverwriteFrequency: emaOverwriteFrequency,
        gradientAccumulationSteps: gradientAccumulationSteps),
      beta1: beta1, beta2: beta2)
  }

  init(core: OptimizerCore, beta1: Float, beta2: Float) {
    self.core = core
    self.beta1 = beta1
    self.beta2 = beta2
  }

  /// Slots: the momentum.
  public var slotCount: Int { 1 }

  /// Throws unless `beta1` is in `(0, 1]`, with Keras's message.
  public func validateArguments() throws {
    guard beta1 > 0, beta1 <= 1 else {
      throw StrataError(
        .invalidArgument,
        "Argument `beta_1` must be in the [0, 1] range. Otherwise, the optimizer degenerates to SignSGD. Received: beta_1=\(beta1)."
      )
    }
  }

  /// The Lion rule.
  public func update(
    parameter: UnsafeMutableBufferPointer<Float>, gradient: UnsafeBufferPointer<Float>,
    slots: [UnsafeMutableBufferPointer<Float>], learningRate lr: Float, step: Int
  ) {
    OptimizerUpdate.lion(
      parameter: parameter, gradient: gradient, momentum: slots[0], learningRate: lr,
      beta1: beta1, beta2: beta2)
  }

  /// The shared options, `beta_1` and `beta_2`.
  public var configuration: Configuration {
    core.configuration.merging(["beta_1": beta1, "beta_2": beta2])
  }

  /// Rebuilds Lion; missing keys take Keras's defaults.
  public convenience init(configuration: Configuration) throws {
    self.init(
      core: try OptimizerCore(configuration: configuration, name: "lion", learningRate: 0.001),
      beta1: try configuration.value("beta_1", default: 0.9),
      beta2: try configuration.value("beta_2", default: 0.99))
  }
}

extension Optimizer where Self == Lion {
  /// Lion with Keras's defaults.
  public static var lion: Lion { Lion() }
  /// Lion with every argument of its initializer (Keras's `keras.optimizers.Lion`).
  public static func lion(
    learningRate: Float = 0.001, beta1: Float = 0.9, beta2: Float = 0.99, clipNorm: Float? = nil,
    clipValue: Float? = nil, globalClipNorm: Float? = nil, weightDecay: Float? = nil,
    useEMA: Bool = false, emaMomentum: Float = 0.99, emaOverwriteFrequency: Int? = nil,
    gradientAccumulationSteps: Int? = nil
  ) -> Lion {
    Lion(
      learningRate: learningRate, beta1: beta1, beta2: beta2, clipNorm: clipNorm,
      clipValue: clipValue, globalClipNorm: globalClipNorm, weightDecay: weightDecay,
      useEMA: useEMA, emaMomentum: emaMomentum,
      emaOverwriteFrequency: emaOverwriteFrequency,
      gradientAccumulationSteps: gradientAccumulationSteps)
  }
}
