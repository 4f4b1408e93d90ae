import Foundation

/// Adam, Keras's `Adam`: `m += (g − m)(1 − β₁)`, `u += (g² − u)(1 − β₂)`,
/// `α = lr·√(1 − β₂ᵗ)/(1 − β₁ᵗ)`, `w −= α·m/(√u + ε)`.
///
/// ε is added to the uncorrected `√u` (the "epsilon-hat" form), as Keras and TensorFlow do and
/// unlike PyTorch. With `amsgrad`, the running maximum of `u` replaces `u`.
public final class Adam: Optimizer {
  /// The shared options and state.
  public let core: OptimizerCore
  /// The decay of the first moment (Keras default 0.9).
  public let beta1: Float
  /// The decay of the second moment (Keras default 0.999).
  public let beta2: Float
  /// Added to the square root (Keras default 1e-7).
  public let epsilon: Float
  /// Whether to use the AMSGrad variant.
  public let amsgrad: Bool

  /// Creates Adam with Keras's defaults (`learningRate: 0.001`).
  public convenience init(
    learningRate: Float = 0.001, beta1: Float = 0.9, beta2: Float = 0.999, epsilon: Float = 1e-7,
    amsgrad: Bool = false, clipNorm: Float? = nil, clipValue: Float? = nil,
    globalClipNorm: Float? = nil, weightDecay: Float? = nil, decay: Float = 0, useEMA: Bool = false,
    emaMomentum: Float = 0.99, emaOverwriteFrequency: Int? = nil,
    gradientAccumulationSteps: Int? = nil
  ) {
    self.init(
      core: OptimizerCore(
        name: "adam", learningRate: learningRate, clipNorm: clipNorm, clipValue: clipValue,
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

  /// The Adam rule.
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

  /// Rebuilds Adam; missing keys take Keras's defaults.
  public convenience init(configuration: Configuration) throws {
    self.init(
      core: try OptimizerCore(configuration: configuration, name: "adam", learningRate: 0.001),
      beta1: try configuration.value("beta_1", default: 0.9),
      beta2: try configuration.value("beta_2", default: 0.999),
      epsilon: try configuration.value("epsilon", default: 1e-7),
      amsgrad: try configuration.value("amsgrad", default: false))
  }
}

/// One Adam step on one weight (shared by ``Adam`` and ``AdamW``).
func adamStep(
  parameter: UnsafeMutableBufferPointer<Float>, gradient: UnsafeBufferPointer<Float>,
  slots: [UnsafeMutableBufferPointer<Float>], learningRate lr: Float, step: Int, beta1: Float,
  beta2: Float, epsilon: Float, amsgrad: Bool, weightDecay: Float = 0
) {
  let t = Float(step)
  // The bias corrections use the float32 betas (Keras casts them to the variable's dtype)...
  let alpha = lr * (1 - Foundation.pow(beta2, t)).squareRoot() / (1 - Foundation.pow(beta1, t))
  OptimizerUpdate.adam(
    parameter: parameter, gradient: gradient, firstMoment: slots[0], secondMoment: slots[1],
    maximum: amsgrad ? slots[2] : nil, alpha: alpha, oneMinusBeta1: kerasComplement(beta1),
    oneMinusBeta2: kerasComplement(beta2), epsilon: epsilon, weightDecay: weightDecay,
    decayRate: lr)
}

/// `1 − beta` as Keras computes it in `Adam.update_step`: from the Python float the user
/// wrote, in double, then rounded to float32 — the shortest decimal of the Float (0.999) taken
/// as a double. For β₂ = 0.999 that is 0.001 (float32 0.0010000000475), where `1 − 0.999` in
/// float32 is 0.00099998713, 1.29e-5 smaller.
func kerasComplement(_ beta: Float) -> Float {
  Float(1 - (Double(beta.description) ?? Double(beta)))
}

extension Optimizer where Self == Adam {
  /// Adam with Keras's defaults.
  public static var adam: Adam { Adam() }
  /// Adam with every argument of its initializer (Keras's `keras.optimizers.Adam`; the
  /// `decay` argument Keras 3 ignores is left out).
  public static func adam(
    learningRate: Float = 0.001, beta1: Float = 0.9, beta2: Float = 0.999, epsilon: Float = 1e-7,
    amsgrad: Bool = false, clipNorm: Float? = nil, clipValue: Float? = nil,
    globalClipNorm: Float? = nil, weightDecay: Float? = nil, useEMA: Bool = false,
    emaMomentum: Float = 0.99, emaOverwriteFrequency: Int? = nil,
    gradientAccumulationSteps: Int? = nil
  ) -> Adam {
    Adam(
      learningRate: learningRate, beta1: beta1, beta2: beta2, epsilon: epsilon, amsgrad: amsgrad,
      clipNorm: clipNorm, clipValue: clipValue, globalClipNorm: globalClipNorm,
      weightDecay: weightDecay, useEMA: useEMA, emaMomentum: emaMomentum,
      emaOverwriteFrequency: emaOverwriteFrequency,
      gradientAccumulationSteps: gradientAccumulationSteps)
  }
}

/// Adam's rule, shared by ``Adam`` and ``AdamW``: the decoupled decay runs inside its pass.
protocol AdamRule: WeightDecayFusingOptimizer {
  var beta1: Float { get }
  var beta2: Float { get }
  var epsilon: Float { get }
  var amsgrad: Bool { get }
}

extension AdamRule {
  /// The Adam rule, after the decoupled decay, in one pass.
  func update(
    parameter: UnsafeMutableBufferPointer<Float>, gradient: UnsafeBufferPointer<Float>,
    slots: [UnsafeMutableBufferPointer<Float>], learningRate lr: Float, step: Int,
    weightDecay: Float
  ) {
    adamStep(
      parameter: parameter, gradient: gradient, slots: slots, learningRate: lr, step: step,
      beta1: beta1, beta2: beta2, epsilon: epsilon, amsgrad: amsgrad, weightDecay: weightDecay)
  }
}

extension Adam: AdamRule {}
