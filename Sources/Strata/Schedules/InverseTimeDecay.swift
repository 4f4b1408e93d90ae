/// `lr₀ / (1 + rate · step / decaySteps)`, the quotient floored when `staircase`: Keras's
/// `InverseTimeDecay`.
public struct InverseTimeDecay: LearningRateSchedule {
  /// The rate at step 0.
  public var initialLearningRate: Float
  /// The step scale.
  public var decaySteps: Int
  /// The decay rate.
  public var decayRate: Float
  /// Whether the rate drops in steps.
  public var staircase: Bool

  /// Creates the schedule.
  public init(
    initialLearningRate: Float, decaySteps: Int, decayRate: Float, staircase: Bool = false
  ) {
    (self.initialLearningRate, self.decaySteps, self.decayRate, self.staircase) = (
      initialLearningRate, decaySteps, decayRate, staircase
    )
  }

  /// The rate at `step`.
  public func rate(at step: Int) -> Float {
    var quotient = Float(step) / Float(decaySteps)
    if staircase { quotient.round(.down) }
    return initialLearningRate / (1 + decayRate * quotient)
  }

  /// Throws unless `decaySteps` is positive.
  public func validate() throws {
    try validateDecaySteps(decaySteps, in: "InverseTimeDecay")
    try validateFinite(
      ["initialLearningRate": initialLearningRate, "decayRate": decayRate], in: "InverseTimeDecay")
  }

  /// Keras's `initial_learning_rate`, `decay_steps`, `decay_rate` and `staircase`.
  public var configuration: Configuration {
    [
      "initial_learning_rate": initialLearningRate, "decay_steps": decaySteps,
      "decay_rate": decayRate, "staircase": staircase,
    ]
  }

  /// Rebuilds the schedule.
  public init(configuration: Configuration) throws {
    self.init(
      initialLearningRate: try configuration.value("initial_learning_rate"),
      decaySteps: try configuration.value("decay_steps"),
      decayRate: try configuration.value("decay_rate"),
      staircase: try configuration.value("staircase", default: false))
  }
}
