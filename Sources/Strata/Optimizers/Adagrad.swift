/// Adagrad, Keras's `Adagrad`: `acc += g²`, `w −= lr·g/√(acc + ε)`, with the accumulator
/// starting at `initialAccumulatorValue` (Keras default 0.1).
public final class Adagrad: Optimizer {
  /// The accumulator's starting value.
  public let initialAccumulatorValue: Float
  /// Added inside the square root (Keras default 1e-7).
  public let epsilon: Float

  /// Creates Adagrad with Keras's defaults (`learningRate: 0.001`).
  public init(
    learningRate: Float = 0.001, initialAccumulatorValue: Float = 0.1, epsilon: Float = 1e-7,
    clipNorm: Float? = nil, clipValue: Float? = nil, globalClipNorm: Float? = nil,
    weightDecay: Float? = nil, decay: Float = 0
  ) {
    self.initialAccumulatorValue = initialAccumulatorValue
    self.epsilon = epsilon
    super.init(
      name: "adagrad", learningRate: learningRate, clipNorm: clipNorm, clipValue: clipValue,
      globalClipNorm: globalClipNorm, weightDecay: weightDecay, decay: decay)
  }

  /// One accumulator slot.
  public override var slotCount: Int { 1 }
  /// The accumulator starts at `initialAccumulatorValue`.
  public override func initialSlotValue(_ index: Int) -> Float { initialAccumulatorValue }

  /// The Adagrad rule.
  public override func update(
    parameter: UnsafeMutableBufferPointer<Float>, gradient: UnsafeBufferPointer<Float>,
    slots: [UnsafeMutableBufferPointer<Float>], learningRate lr: Float, step: Int
  ) {
    let accumulator = slots[0]
    for i in parameter.indices {
      let g = gradient[i]
      accumulator[i] += g * g
      parameter[i] -= lr * g / (accumulator[i] + epsilon).squareRoot()
    }
  }
}

/// Adadelta, Keras's `Adadelta`: `Eg = ρEg + (1−ρ)g²`, `Δ = −√(Ed + ε)·g/√(Eg + ε)`,
/// `Ed = ρEd + (1−ρ)Δ²`, `w += lr·Δ`.
public final class Adadelta: Optimizer {
  /// The decay `ρ` (Keras default 0.95).
  public let rho: Float
  /// Added inside the square roots (Keras default 1e-7).
  public let epsilon: Float

  /// Creates Adadelta with Keras's defaults (`learningRate: 0.001`).
  public init(
    learningRate: Float = 0.001, rho: Float = 0.95, epsilon: Float = 1e-7,
    clipNorm: Float? = nil, clipValue: Float? = nil, globalClipNorm: Float? = nil,
    weightDecay: Float? = nil, decay: Float = 0
  ) {
    self.rho = rho
    self.epsilon = epsilon
    super.init(
      name: "adadelta", learningRate: learningRate, clipNorm: clipNorm, clipValue: clipValue,
      globalClipNorm: globalClipNorm, weightDecay: weightDecay, decay: decay)
  }

  /// Slots: the squared-gradient average and the squared-update average.
  public override var slotCount: Int { 2 }

  /// The Adadelta rule.
  public override func update(
    parameter: UnsafeMutableBufferPointer<Float>, gradient: UnsafeBufferPointer<Float>,
    slots: [UnsafeMutableBufferPointer<Float>], learningRate lr: Float, step: Int
  ) {
    let (gradientAverage, deltaAverage) = (slots[0], slots[1])
    for i in parameter.indices {
      let g = gradient[i]
      gradientAverage[i] = rho * gradientAverage[i] + (1 - rho) * g * g
      let delta =
        -(deltaAverage[i] + epsilon).squareRoot() * g / (gradientAverage[i] + epsilon).squareRoot()
      deltaAverage[i] = rho * deltaAverage[i] + (1 - rho) * delta * delta
      parameter[i] += lr * delta
    }
  }
}

extension Optimizer {
  /// Adagrad with Keras's defaults.
  public static var adagrad: Optimizer { Adagrad() }
  /// Adagrad.
  public static func adagrad(
    learningRate: Float = 0.001, initialAccumulatorValue: Float = 0.1, epsilon: Float = 1e-7
  ) -> Optimizer {
    Adagrad(
      learningRate: learningRate, initialAccumulatorValue: initialAccumulatorValue, epsilon: epsilon
    )
  }
  /// Adadelta with Keras's defaults.
  public static var adadelta: Optimizer { Adadelta() }
  /// Adadelta.
  public static func adadelta(learningRate: Float = 0.001, rho: Float = 0.95, epsilon: Float = 1e-7)
    -> Optimizer
  {
    Adadelta(learningRate: learningRate, rho: rho, epsilon: epsilon)
  }
}
