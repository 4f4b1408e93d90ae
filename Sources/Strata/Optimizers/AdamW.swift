/// Adam with decoupled weight decay, Keras's `AdamW`: `w −= w·weightDecay·lr` before each Adam
/// step (Keras default `weightDecay: 0.004`).
public final class AdamW: Optimizer {
  /// The shared options and state (its `weightDecay` is set).
  public let core: OptimizerCore
  /// The decay of the first moment (Keras default 0.9).
  public let beta1: Float
  /// The decay of the second moment (Keras default 0.999).
  public let beta2: Float
  /// Added to the square root (Keras default 1e-7).
  public let epsilon: Float
  /// Whether to use the AMSGrad variant.
  public let amsgrad: Bool

  /// Creates AdamW with Keras's defaults.
  public convenience init(
    learningRate: Float = 0.001, weightDecay: Float = 0.004, beta1: Float = 0.9,
    beta2: Float = 0.999, epsilon: Float = 1e-7, amsgrad: Bool = false, clipNorm: Float? = nil,
    clipValue: Float? = nil, globalClipNorm: Float? = nil, decay: Float = 0, useEMA: Bool = false,
    emaMomentum: Float = 0.99, emaOverwriteFrequency: Int? = nil,
    gradientAccumulationSteps: Int? = nil
  ) {
    self.init(
      core: OptimizerCore(
        name: "adamw", learningRate: learningRate, clipNorm: clipNorm, clipValue: clipValue,
        globalClipNorm: globalClipNorm, weightDecay: weightDecay, decay: decay, useEMA: useEMA,
        emaMomentum: emaMomentum,
        emaOverwriteFrequency: emaOverwriteFrequency,
        gradientAccumulationSteps: gradientAccumulationSteps),
      beta1: beta1, beta2: beta2, epsilon: epsilon, amsgrad: amsgrad)
  }

  init(core: OptimizerCore, beta1: Float, beta2: Float, epsilon: Float, amsgrad: Bool) {
    self.core = core
    self.beta1 = beta1
    self.beta2 = beta2
    self.epsilon = epsilon
    self.amsgrad = amsgrad
  }

  /// Slots: first moment, second moment, and (AMSGrad) its running maximum.
  public var slotCount: Int { amsgrad ? 3 : 2 }
  /// Non-negative: the second moment and its running maximum.
  public func slotIsNonNegative(_ index: Int) -> Bool { index >= 1 }

  /// Throws when `weightDecay` is missing, as Keras does.
  public func validateArguments() throws {
    guard core.weightDecay != nil else {
      throw StrataError(
        .invalidArgument, "Argument `weight_decay` must be a float. Received: weight_decay=None")
    }
  }

  /// The Adam rule (the decay is applied before it, as for every optimizer).
  public func update(
    parameter: UnsafeMutableBufferPointer<Float>, gradient: UnsafeBufferPointer<Float>,
    slots: [UnsafeMutableBufferPointer<Float>], learningRate lr: Float, step: Int
  ) {
    adamStep(
      parameter: parameter, gradient: gradient, slots: slots, learningRate: lr, step: step,
      beta1: beta1, beta2: beta2, epsilon: epsilon, amsgrad: amsgrad)
  }

  /// The shared options, `beta_1`, `beta_2`, `epsilon` and `amsgrad`.
  public var configuration: Configuration {
    core.configuration.merging([
      "beta_1": beta1, "beta_2": beta2, "epsilon": epsilon, "amsgrad": amsgrad,
    ])
  }

  /// Rebuilds AdamW; missing keys take Keras's defaults.
  public convenience init(configuration: Configuration) throws {
    var withDecay = configuration
    if (withDecay["weight_decay"] ?? .null) == .null { withDecay["weight_decay"] = .number(0.004) }
    self.init(
      core: try OptimizerCore(configuration: withDecay, name: "adamw", learningRate: 0.001),
      beta1: try configuration.value("beta_1", default: 0.9),
      beta2: try configuration.value("beta_2", default: 0.999),
      epsilon: try configuration.value("epsilon", default: 1e-7),
      amsgrad: try configuration.value("amsgrad", default: false))
  }
}

extension Optimizer where Self == AdamW {
  /// AdamW with Keras's defaults.
  public static var adamW: AdamW { AdamW() }
  /// AdamW with every argument of its initializer (Keras's `keras.optimizers.AdamW`; the
  /// `decay` argument Keras 3 ignores is left out).
  public static func adamW(
    learningRate: Float = 0.001, weightDecay: Float = 0.004, beta1: Float = 0.9,
    beta2: Float = 0.999, epsilon: Float = 1e-7, amsgrad: Bool = false, clipNorm: Float? = nil,
    clipValue: Float? = nil, globalClipNorm: Float? = nil, useEMA: Bool = false,
    emaMomentum: Float = 0.99, emaOverwriteFrequency: Int? = nil,
    gradientAccumulationSteps: Int? = nil
  ) -> AdamW {
    AdamW(
      learningRate: learningRate, weightDecay: weightDecay, beta1: beta1, beta2: beta2,
      epsilon: epsilon, amsgrad: amsgrad, clipNorm: clipNorm, clipValue: clipValue,
      globalClipNorm: globalClipNorm, useEMA: useEMA, emaMomentum: emaMomentum,
      emaOverwriteFrequency: emaOverwriteFrequency,
      gradientAccumulationSteps: gradientAccumulationSteps)
  }
}

extension AdamW: AdamRule {}
