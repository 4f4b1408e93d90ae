import Foundation

/// Adam, Keras's `Adam`: `m += (g − m)(1 − β₁)`, `u += (g² − u)(1 − β₂)`,
/// `α = lr·√(1 − β₂ᵗ)/(1 − β₁ᵗ)`, `w −= α·m/(√u + ε)`.
///
/// ε is added to the uncorrected `√u` (the "epsilon-hat" form), as Keras and TensorFlow do and
/// unlike PyTorch. With `amsgrad`, the running maximum of `u` replaces `u`.
public class Adam: Optimizer {
  /// The decay of the first moment (Keras default 0.9).
  public let beta1: Float
  /// The decay of the second moment (Keras default 0.999).
  public let beta2: Float
  /// Added to the square root (Keras default 1e-7).
  public let epsilon: Float
  /// Whether to use the AMSGrad variant.
  public let amsgrad: Bool

  /// Creates Adam with Keras's defaults (`learningRate: 0.001`).
  public init(
    learningRate: Float = 0.001, beta1: Float = 0.9, beta2: Float = 0.999, epsilon: Float = 1e-7,
    amsgrad: Bool = false, clipNorm: Float? = nil, clipValue: Float? = nil,
    globalClipNorm: Float? = nil, weightDecay: Float? = nil, decay: Float = 0
  ) {
    self.beta1 = beta1
    self.beta2 = beta2
    self.epsilon = epsilon
    self.amsgrad = amsgrad
    super.init(
      name: "adam", learningRate: learningRate, clipNorm: clipNorm, clipValue: clipValue,
      globalClipNorm: globalClipNorm, weightDecay: weightDecay, decay: decay)
  }

  init(
    name: String, learningRate: Float, beta1: Float, beta2: Float, epsilon: Float, amsgrad: Bool,
    weightDecay: Float?, clipNorm: Float?, clipValue: Float?, globalClipNorm: Float?, decay: Float
  ) {
    self.beta1 = beta1
    self.beta2 = beta2
    self.epsilon = epsilon
    self.amsgrad = amsgrad
    super.init(
      name: name, learningRate: learningRate, clipNorm: clipNorm, clipValue: clipValue,
      globalClipNorm: globalClipNorm, weightDecay: weightDecay, decay: decay)
  }

  /// Slots: first moment, second moment, and (AMSGrad) its running maximum.
  public override var slotCount: Int { amsgrad ? 3 : 2 }

  /// The Adam rule.
  public override func update(
    parameter: UnsafeMutableBufferPointer<Float>, gradient: UnsafeBufferPointer<Float>,
    slots: [UnsafeMutableBufferPointer<Float>], learningRate lr: Float, step: Int
  ) {
    let t = Float(step)
    let alpha = lr * (1 - Foundation.pow(beta2, t)).squareRoot() / (1 - Foundation.pow(beta1, t))
    OptimizerUpdate.adam(
      parameter: parameter, gradient: gradient, firstMoment: slots[0], secondMoment: slots[1],
      maximum: amsgrad ? slots[2] : nil, alpha: alpha, beta1: beta1, beta2: beta2,
      epsilon: epsilon)
  }
}

/// Adam with decoupled weight decay, Keras's `AdamW`: `w −= w·weightDecay·lr` before each Adam
/// step (Keras default `weightDecay: 0.004`).
public final class AdamW: Adam {
  /// Creates AdamW with Keras's defaults.
  public init(
    learningRate: Float = 0.001, weightDecay: Float = 0.004, beta1: Float = 0.9,
    beta2: Float = 0.999, epsilon: Float = 1e-7, amsgrad: Bool = false, clipNorm: Float? = nil,
    clipValue: Float? = nil, globalClipNorm: Float? = nil, decay: Float = 0
  ) {
    super.init(
      name: "adamw", learningRate: learningRate, beta1: beta1, beta2: beta2, epsilon: epsilon,
      amsgrad: amsgrad, weightDecay: weightDecay, clipNorm: clipNorm, clipValue: clipValue,
      globalClipNorm: globalClipNorm, decay: decay)
  }
}

/// Adamax, Keras's `Adamax`: `m += (g − m)(1 − β₁)`, `u = max(β₂u, |g|)`,
/// `w −= lr·m/((1 − β₁ᵗ)(u + ε))`.
public final class Adamax: Optimizer {
  /// The decay of the first moment (Keras default 0.9).
  public let beta1: Float
  /// The decay of the infinity norm (Keras default 0.999).
  public let beta2: Float
  /// Added to the norm (Keras default 1e-7).
  public let epsilon: Float

  /// Creates Adamax with Keras's defaults (`learningRate: 0.001`).
  public init(
    learningRate: Float = 0.001, beta1: Float = 0.9, beta2: Float = 0.999, epsilon: Float = 1e-7,
    clipNorm: Float? = nil, clipValue: Float? = nil, globalClipNorm: Float? = nil,
    weightDecay: Float? = nil, decay: Float = 0
  ) {
    self.beta1 = beta1
    self.beta2 = beta2
    self.epsilon = epsilon
    super.init(
      name: "adamax", learningRate: learningRate, clipNorm: clipNorm, clipValue: clipValue,
      globalClipNorm: globalClipNorm, weightDecay: weightDecay, decay: decay)
  }

  /// Slots: first moment and infinity norm.
  public override var slotCount: Int { 2 }

  /// The Adamax rule.
  public override func update(
    parameter: UnsafeMutableBufferPointer<Float>, gradient: UnsafeBufferPointer<Float>,
    slots: [UnsafeMutableBufferPointer<Float>], learningRate lr: Float, step: Int
  ) {
    let correction = 1 - Foundation.pow(beta1, Float(step))
    let (m, u) = (slots[0], slots[1])
    for i in parameter.indices {
      let g = gradient[i]
      m[i] += (g - m[i]) * (1 - beta1)
      u[i] = Swift.max(beta2 * u[i], Swift.abs(g))
      parameter[i] -= lr * m[i] / (correction * (u[i] + epsilon))
    }
  }
}

/// Nadam (Adam with Nesterov momentum), Keras's `Nadam`, with its momentum schedule
/// `μₜ = β₁(1 − ½·0.96ᵗ)` and running product `Π`.
public final class Nadam: Optimizer {
  /// The decay of the first moment (Keras default 0.9).
  public let beta1: Float
  /// The decay of the second moment (Keras default 0.999).
  public let beta2: Float
  /// Added to the square root (Keras default 1e-7).
  public let epsilon: Float
  var momentumProduct: Float = 1

  /// Creates Nadam with Keras's defaults (`learningRate: 0.001`).
  public init(
    learningRate: Float = 0.001, beta1: Float = 0.9, beta2: Float = 0.999, epsilon: Float = 1e-7,
    clipNorm: Float? = nil, clipValue: Float? = nil, globalClipNorm: Float? = nil,
    weightDecay: Float? = nil, decay: Float = 0
  ) {
    self.beta1 = beta1
    self.beta2 = beta2
    self.epsilon = epsilon
    super.init(
      name: "nadam", learningRate: learningRate, clipNorm: clipNorm, clipValue: clipValue,
      globalClipNorm: globalClipNorm, weightDecay: weightDecay, decay: decay)
  }

  /// Slots: first and second moments.
  public override var slotCount: Int { 2 }

  private func momentumCache(_ step: Int) -> Float {
    beta1 * (1 - 0.5 * Foundation.pow(0.96, Float(step)))
  }

  /// Advances `Π ← Π·μₜ` once per step.
  public override func prepareStep(_ step: Int) {
    momentumProduct *= momentumCache(step)
  }

  override func resetState() {
    super.resetState()
    momentumProduct = 1
  }

  /// The Nadam rule.
  public override func update(
    parameter: UnsafeMutableBufferPointer<Float>, gradient: UnsafeBufferPointer<Float>,
    slots: [UnsafeMutableBufferPointer<Float>], learningRate lr: Float, step: Int
  ) {
    let current = momentumCache(step)
    let next = momentumCache(step + 1)
    let product = momentumProduct
    let productNext = product * next
    let secondCorrection = 1 - Foundation.pow(beta2, Float(step))
    let (m, u) = (slots[0], slots[1])
    for i in parameter.indices {
      let g = gradient[i]
      m[i] += (g - m[i]) * (1 - beta1)
      u[i] += (g * g - u[i]) * (1 - beta2)
      let mHat = next * m[i] / (1 - productNext) + (1 - current) * g / (1 - product)
      let uHat = u[i] / secondCorrection
      parameter[i] -= mHat * lr / (uHat.squareRoot() + epsilon)
    }
  }
}

extension Optimizer {
  /// Adam with Keras's defaults.
  public static var adam: Optimizer { Adam() }
  /// Adam.
  public static func adam(
    learningRate: Float = 0.001, beta1: Float = 0.9, beta2: Float = 0.999, epsilon: Float = 1e-7,
    amsgrad: Bool = false
  ) -> Optimizer {
    Adam(learningRate: learningRate, beta1: beta1, beta2: beta2, epsilon: epsilon, amsgrad: amsgrad)
  }
  /// AdamW with Keras's defaults.
  public static var adamW: Optimizer { AdamW() }
  /// AdamW.
  public static func adamW(learningRate: Float = 0.001, weightDecay: Float = 0.004) -> Optimizer {
    AdamW(learningRate: learningRate, weightDecay: weightDecay)
  }
  /// Adamax with Keras's defaults.
  public static var adamax: Optimizer { Adamax() }
  /// Adamax.
  public static func adamax(learningRate: Float = 0.001) -> Optimizer {
    Adamax(learningRate: learningRate)
  }
  /// Nadam with Keras's defaults.
  public static var nadam: Optimizer { Nadam() }
  /// Nadam.
  public static func nadam(learningRate: Float = 0.001) -> Optimizer {
    Nadam(learningRate: learningRate)
  }
}
