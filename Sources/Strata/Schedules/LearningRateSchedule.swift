/// A learning rate that changes with the optimizer's step count, as Keras's
/// `LearningRateSchedule`; evaluated at `iterations` before each update, so the first step
/// uses `rate(at: 0)`.
///
/// ```swift
/// let optimizer = SGD().scheduled(by: ExponentialDecay(initialLearningRate: 0.1, decaySteps: 100, decayRate: 0.5))
/// ```
///
/// A schedule is ``Configurable``, so an optimizer using it is saved with it.
public protocol LearningRateSchedule: Configurable, Sendable {
  /// The learning rate at optimizer step `step` (0-based).
  func rate(at step: Int) -> Float

  /// Throws a ``StrataError`` if the schedule's arguments cannot give learning rates (a
  /// `decaySteps` of 0); `fit` asks before training.
  func validate() throws
}

extension LearningRateSchedule {
  /// Nothing to check.
  public func validate() throws {}
}

/// Throws unless every value is finite (a NaN rate would make every weight NaN).
func validateFinite(_ values: KeyValuePairs<String, Float>, in schedule: String) throws {
  for (name, value) in values where !value.isFinite {
    throw StrataError(
      .invalidArgument, "\(schedule): `\(name)` must be finite. Received: \(name)=\(value)")
  }
}

/// Throws unless `decaySteps` is positive (every decay divides by it).
func validateDecaySteps(_ decaySteps: Int, in schedule: String) throws {
  guard decaySteps > 0 else {
    throw StrataError(
      .invalidArgument,
      "\(schedule): `decaySteps` must be a positive integer. Received: decaySteps=\(decaySteps)")
  }
}
