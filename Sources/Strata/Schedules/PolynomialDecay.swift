import Foundation

/// `(lr₀ − end)·(1 − min(step, D)/D)^power + end`; with `cycle`, `D` grows to the next
/// multiple of `decaySteps`: Keras's `PolynomialDecay`.
public struct PolynomialDecay: LearningRateSchedule {
  /// The rate at step 0.
  public var initialLearningRate: Float
  /// The steps `D` to reach `endLearningRate`.
  public var decaySteps: Int
  /// The final rate (Keras default 1e-4).
  public var endLearningRate: Float
  /// The polynomial's power (Keras default 1, linear).
  public var power: Float
  /// Whether to restart after `decaySteps`.
  public var cycle: Bool

  /// Creates the schedule with Keras's defaults.
  public init(
    initialLearningRate: Float, decaySteps: Int, endLearningRate: Float = 1e-4, power: Float = 1,
    cycle: Bool = false
  ) {
    (self.initialLearningRate, self.decaySteps, self.endLearningRate, self.power, self.cycle) =
      (initialLearningRate, decaySteps, endLearningRate, power, cycle)
  }

  /// The rate at `step`.
  public func rate(at step: Int) -> Float {
    var steps = Float(decaySteps)
    var current = Float(step)
    if cycle {
      steps *= Swift.max(1, (current / steps).rounded(.up))
    } else {
      current = Swift.min(current, steps)
    }
    return (initialLearningRate - endLearningRate) * pow(1 - current / steps, power)
      + endLearningRate
  }

  /// Throws unless `decaySteps` is positive.
  public func validate() throws {
    try validateDecaySteps(decaySteps, in: "PolynomialDecay")
    try validateFinite(
      [
        "initialLearningRate": initialLearningRate, "endLearningRate": endLearningRate,
        "power": power,
      ], in: "PolynomialDecay")
  }

  /// Keras's `initial_learning_rate`, `decay_steps`, `end_learning_rate`, `power` and `cycle`.
  public var configuration: Configuration {
    [
      "initial_learning_rate": initialLearningRate, "decay_steps": decaySteps,
      "end_learning_rate": endLearningRate, "power": power, "cycle": cycle,
    ]
  }

  /// Rebuilds the schedule; missing optional keys take Keras's defaults.
  public init(configuration: Configuration) throws {
    self.init(
      initialLearningRate: try configuration.value("initial_learning_rate"),
      decaySteps: try configuration.value("decay_steps"),
      endLearningRate: try configuration.value("end_learning_rate", default: 1e-4),
      power: try configuration.value("power", default: 1),
      cycle: try configuration.value("cycle", default: false))
  }
}
