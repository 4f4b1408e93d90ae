/// FTRL-Proximal (McMahan et al. 2013, "Ad Click Prediction: a View from the Trenches"),
/// Keras's `Ftrl`: follow-the-regularized-leader with per-coordinate rates and built-in L1/L2,
/// for wide, sparse linear models. With `a` the accumulated squared gradients (starting at
/// `initialAccumulatorValue`) and `n = −learningRatePower`:
///
/// ```
/// a' = a + g²
/// linear += g + 2·l2Shrinkage·w − (a'ⁿ − aⁿ)/lr · w
/// w = (clip(linear, −l1, l1) − linear) / (a'ⁿ/lr + 2·(l2 + β/(2·lr)))
/// ```
///
/// so a coordinate whose `|linear|` stays below `l1RegularizationStrength` is exactly 0.
public final class Ftrl: Optimizer {
  /// The shared options and state.
  public let core: OptimizerCore
  /// How the per-coordinate rate falls with the accumulator (Keras default −0.5), ≤ 0.
  public let learningRatePower: Float
  /// The accumulator's starting value (Keras default 0.1), ≥ 0.
  public let initialAccumulatorValue: Float
  /// The L1 strength (Keras default 0), ≥ 0: the larger, the more weights are exactly 0.
  public let l1RegularizationStrength: Float
  /// The L2 strength of the stabilisation term (Keras default 0), ≥ 0.
  public let l2RegularizationStrength: Float
  /// An L2 penalty added to the gradient itself, `g + 2·s·w` (Keras default 0), ≥ 0.
  public let l2ShrinkageRegularizationStrength: Float
  /// Keras's `beta` (default 0), added to the L2 term as `β/(2·lr)`.
  public let beta: Float

  /// Creates FTRL with Keras's defaults (`learningRate: 0.001`).
  public convenience init(
    learningRate: Float = 0.001, learningRatePower: Float = -0.5,
    initialAccumulatorValue: Float = 0.1, l1RegularizationStrength: Float = 0,
    l2RegularizationStrength: Float = 0, l2ShrinkageRegularizationStrength: Float = 0,
    beta: Float = 0, clipNorm: Float? = nil, clipValue: Float? = nil,
    globalClipNorm: Float? = nil, weightDecay: Float? = nil, useEMA: Bool = false,
    emaMomentum: Float = 0.99, emaOverwriteFrequency: Int? = nil,
    gradientAccumulationSteps: Int? = nil
  ) {
    self.init(
      core: OptimizerCore(
        name: "ftrl", learningRate: learningRate, clipNorm: clipNorm, clipValue: clipValue,
        globalClipNorm: globalClipNorm, weightDecay: weightDecay, useEMA: useEMA,
        emaMomentum: emaMomentum, emaOverwriteFrequency: emaOverwriteFrequency,
        gradientAccumulationSteps: gradientAccumulationSteps),
      learningRatePower: learningRatePower, initialAccumulatorValue: initialAccumulatorValue,
      l1RegularizationStrength: l1RegularizationStrength,
      l2RegularizationStrength: l2RegularizationStrength,
      l2ShrinkageRegularizationStrength: l2ShrinkageRegularizationStrength, beta: beta)
  }

  init(
    core: OptimizerCore, learningRatePower: Float, initialAccumulatorValue: Float,
    l1RegularizationStrength: Float, l2RegularizationStrength: Float,
    l2ShrinkageRegularizationStrength: Float, beta: Float
  ) {
    self.core = core
    self.learningRatePower = learningRatePower
    self.initialAccumulatorValue = initialAccumulatorValue
    self.l1RegularizationStrength = l1RegularizationStrength
    self.l2RegularizationStrength = l2RegularizationStrength
    self.l2ShrinkageRegularizationStrength = l2ShrinkageRegularizationStrength
    self.beta = beta
  }

  /// Slots: the accumulator, then the linear term.
  public var slotCount: Int { 2 }
  /// Non-negative: the accumulator.
  public func slotIsNonNegative(_ index: Int) -> Bool { index == 0 }
  /// The accumulator starts at `initialAccumulatorValue`, the linear term at 0.
  public func initialSlotValue(_ index: Int) -> Float {
    index == 0 ? initialAccumulatorValue : 0
  }

  /// Throws for the values Keras refuses, with its messages.
  public func validateArguments() throws {
    func check(_ value: Float, _ name: String, negative: Bool = false) throws {
      guard negative ? value <= 0 : value >= 0 else {
        throw StrataError(
          .invalidArgument,
          "`\(name)` needs to be \(negative ? "negative" : "positive") or zero. Received: \(name)=\(value)."
        )
      }
    }
    try check(initialAccumulatorValue, "initial_accumulator_value")
    try check(learningRatePower, "learning_rate_power", negative: true)
    try check(l1RegularizationStrength, "l1_regularization_strength")
    try check(l2RegularizationStrength, "l2_regularization_strength")
    try check(l2ShrinkageRegularizationStrength, "l2_shrinkage_regularization_strength")
  }

  /// The FTRL rule.
  public func update(
    parameter: UnsafeMutableBufferPointer<Float>, gradient: UnsafeBufferPointer<Float>,
    slots: [UnsafeMutableBufferPointer<Float>], learningRate lr: Float, step: Int
  ) {
    // Keras's float32 arithmetic: l2 + β/(2·lr), then doubled.
    let l2 = l2RegularizationStrength + beta / (2 * lr)
    OptimizerUpdate.ftrl(
      parameter: parameter, gradient: gradient, accumulator: slots[0], linear: slots[1],
      learningRate: lr, power: -learningRatePower, l1: l1RegularizationStrength,
      twiceL2: 2 * l2, twiceShrinkage: 2 * l2ShrinkageRegularizationStrength)
  }

  /// The shared options and Keras's FTRL arguments.
  public var configuration: Configuration {
    core.configuration.merging([
      "learning_rate_power": learningRatePower,
      "initial_accumulator_value": initialAccumulatorValue,
      "l1_regularization_strength": l1RegularizationStrength,
      "l2_regularization_strength": l2RegularizationStrength,
      "l2_shrinkage_regularization_strength": l2ShrinkageRegularizationStrength, "beta": beta,
    ])
  }

  /// Rebuilds FTRL; missing keys take Keras's defaults.
  public convenience init(configuration: Configuration) throws {
    self.init(
      core: try OptimizerCore(configuration: configuration, name: "ftrl", learningRate: 0.001),
      learningRatePower: try configuration.value("learning_rate_power", default: -0.5),
      initialAccumulatorValue: try configuration.value("initial_accumulator_value", default: 0.1),
      l1RegularizationStrength: try configuration.value("l1_regularization_strength", default: 0),
      l2RegularizationStrength: try configuration.value("l2_regularization_strength", default: 0),
      l2ShrinkageRegularizationStrength: try configuration.value(
        "l2_shrinkage_regularization_strength", default: 0),
      beta: try configuration.value("beta", default: 0))
  }
}

extension Optimizer where Self == Ftrl {
  /// FTRL with Keras's defaults.
  public static var ftrl: Ftrl { Ftrl() }
  /// FTRL with every argument of its initializer (Keras's `keras.optimizers.Ftrl`).
  public static func ftrl(
    learningRate: Float = 0.001, learningRatePower: Float = -0.5,
    initialAccumulatorValue: Float = 0.1, l1RegularizationStrength: Float = 0,
    l2RegularizationStrength: Float = 0, l2ShrinkageRegularizationStrength: Float = 0,
    beta: Float = 0, clipNorm: Float? = nil, clipValue: Float? = nil,
    globalClipNorm: Float? = nil, weightDecay: Float? = nil, useEMA: Bool = false,
    emaMomentum: Float = 0.99, emaOverwriteFrequency: Int? = nil,
    gradientAccumulationSteps: Int? = nil
  ) -> Ftrl {
    Ftrl(
      learningRate: learningRate, learningRatePower: learningRatePower,
      initialAccumulatorValue: initialAccumulatorValue,
      l1RegularizationStrength: l1RegularizationStrength,
      l2RegularizationStrength: l2RegularizationStrength,
      l2ShrinkageRegularizationStrength: l2ShrinkageRegularizationStrength, beta: beta,
      clipNorm: clipNorm, clipValue: clipValue, globalClipNorm: globalClipNorm,
      weightDecay: weightDecay, useEMA: useEMA, emaMomentum: emaMomentum,
      emaOverwriteFrequency: emaOverwriteFrequency,
      gradientAccumulationSteps: gradientAccumulationSteps)
  }
}
