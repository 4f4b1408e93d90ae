import Foundation

/// A learning rate that changes with the optimizer's step count, as Keras's
/// `LearningRateSchedule`; evaluated at `iterations` before each update, so the first step
/// uses `rate(at: 0)`.
///
/// ```swift
/// let optimizer = SGD().scheduled(by: ExponentialDecay(initialLearningRate: 0.1, decaySteps: 100, decayRate: 0.5))
/// ```
public protocol LearningRateSchedule {
  /// The learning rate at optimizer step `step` (0-based).
  func rate(at step: Int) -> Float
}

/// `lr₀ · rate^(step / decaySteps)`, the exponent floored when `staircase`.
public struct ExponentialDecay: LearningRateSchedule {
  /// The rate at step 0.
  public var initialLearningRate: Float
  /// The steps over which the rate is multiplied by `decayRate` once.
  public var decaySteps: Int
  /// The factor per `decaySteps`.
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
    var exponent = Float(step) / Float(decaySteps)
    if staircase { exponent.round(.down) }
    return initialLearningRate * pow(decayRate, exponent)
  }
}

/// `lr₀ / (1 + rate · step / decaySteps)`, the quotient floored when `staircase`.
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
}

/// `values[0]` up to and including `boundaries[0]`, `values[i]` for
/// `boundaries[i−1] < step ≤ boundaries[i]`, the last value after the last boundary.
public struct PiecewiseConstantDecay: LearningRateSchedule {
  /// Step boundaries, increasing.
  public var boundaries: [Int]
  /// One more value than boundaries.
  public var values: [Float]

  /// Creates the schedule. - Precondition: `values.count == boundaries.count + 1`.
  public init(boundaries: [Int], values: [Float]) {
    precondition(
      values.count == boundaries.count + 1,
      "PiecewiseConstantDecay: expected \(boundaries.count + 1) values, got \(values.count)")
    (self.boundaries, self.values) = (boundaries, values)
  }

  /// The rate at `step`.
  public func rate(at step: Int) -> Float {
    values[boundaries.firstIndex { step <= $0 } ?? boundaries.count]
  }
}

/// `(lr₀ − end)·(1 − min(step, D)/D)^power + end`; with `cycle`, `D` grows to the next
/// multiple of `decaySteps`.
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
}

/// Cosine decay `lr₀·((1 − α)·½(1 + cos(π·min(step, D)/D)) + α)`, after an optional linear
/// warm-up from `initialLearningRate` to `warmupTarget` over `warmupSteps`.
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
    if let warmupTarget, warmupSteps > 0 {
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
}
