import Foundation

/// Cosine decay `lr₀·((1 − α)·½(1 + cos(π·min(step, D)/D)) + α)`, after an optional linear
/// warm-up from `initialLearningRate` to `warmupTarget` over `warmupSteps`: Keras's
/// `CosineDecay`.
public struct CosineDecay: LearningRateSchedule {
  /// The rate at step 0.
  public var initialLearningRate: Float
  /// The decay length `D` (after warm-up).
  public var decaySteps: Int
  /// The floor as a fraction of the peak rate.
  public var alpha: Float
  /// The rate reached at the end of warm-up (nil: no warm-up).
  public var warmupTarget: Float?
  /// The warm-up length.
  public var warmupSteps: Int

  /// Creates the schedule with Keras's defaults.
  public init(
    initialLearningRate: Float, decaySteps: Int, alpha: Float = 0, warmupTarget: Float? = nil,
    warmupSteps: Int = 0
  ) {
    (self.initialLearningRate, self.decaySteps, self.alpha, self.warmupTarget, self.warmupSteps) =
      (initialLearningRate, decaySteps, alpha, warmupTarget, warmupSteps)
  }

  /// The rate at `step`.
  public func rate(at step: Int) -> Float {
    var peak = initialLearningRate
    var decayStep = step
    // With a warm-up target the decay always starts from it, even after zero warm-up steps
    // (Keras's `__call__` branches on `warmup_target`, not on `warmup_steps`).
    if let warmupTarget {
      if step < warmupSteps {
        return initialLearningRate + (warmupTarget - initialLearningRate) * Float(step)
          / Float(warmupSteps)
      }
      peak = warmupTarget
      decayStep = step - warmupSteps
    }
    let progress = Float(Swift.min(decayStep, decaySteps)) / Float(decaySteps)
    return peak * ((1 - alpha) * 0.5 * (1 + cos(Float.pi * progress)) + alpha)
  }

  /// Throws unless `decaySteps` is positive and `warmupSteps` not negative.
  public func validate() throws {
    try validateDecaySteps(decaySteps, in: "CosineDecay")
    try validateFinite(
      [
        "initialLearningRate": initialLearningRate, "alpha": alpha,
        "warmupTarget": warmupTarget ?? 0,
      ],
      in: "CosineDecay")
    guard warmupSteps >= 0 else {
      throw StrataError(
        .invalidArgument,
        "CosineDecay: `warmupSteps` must not be negative. Received: warmupSteps=\(warmupSteps)")
    }
  }

  /// Keras's `initial_learning_rate`, `decay_steps`, `alpha`, `warmup_target` and
  /// `warmup_steps`.
  public var configuration: Configuration {
    [
      "initial_learning_rate": initialLearningRate, "decay_steps": decaySteps, "alpha": alpha,
      "warmup_target": warmupTarget, "warmup_steps": warmupSteps,
    ]
  }

  /// Rebuilds the schedule; missing optional keys take Keras's defaults.
  public init(configuration: Configuration) throws {
    self.init(
      initialLearningRate: try configuration.value("initial_learning_rate"),
      decaySteps: try configuration.value("decay_steps"),
      alpha: try configuration.value("alpha", default: 0),
      warmupTarget: try configuration.value("warmup_target"),
      warmupSteps: try configuration.value("warmup_steps", default: 0))
  }
}
