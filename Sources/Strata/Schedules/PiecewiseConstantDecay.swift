/// `values[0]` up to and including `boundaries[0]`, `values[i]` for
/// `boundaries[i−1] < step ≤ boundaries[i]`, the last value after the last boundary: Keras's
/// `PiecewiseConstantDecay`.
public struct PiecewiseConstantDecay: LearningRateSchedule {
  /// Step boundaries, increasing.
  public var boundaries: [Int]
  /// One more value than boundaries.
  public var values: [Float]

  /// Creates the schedule; `fit` throws unless there is one more value than boundaries.
  public init(boundaries: [Int], values: [Float]) {
    (self.boundaries, self.values) = (boundaries, values)
  }

  /// The rate at `step` (NaN for a schedule without values, which ``validate()`` refuses).
  public func rate(at step: Int) -> Float {
    guard !values.isEmpty else { return .nan }
    let index = boundaries.firstIndex { step <= $0 } ?? boundaries.count
    return values[Swift.min(index, values.count - 1)]
  }

  /// Throws unless there is one more value than boundaries, as Keras requires.
  public func validate() throws {
    guard values.count == boundaries.count + 1 else {
      throw StrataError(
        .invalidArgument,
        "PiecewiseConstantDecay: the length of `values` should be 1 more than the length of `boundaries`. Received: \(values.count) values for \(boundaries.count) boundaries"
      )
    }
    if let index = values.firstIndex(where: { !$0.isFinite }) {
      throw StrataError(
        .invalidArgument,
        "PiecewiseConstantDecay: every value must be finite. Received: values[\(index)]=\(values[index])"
      )
    }
  }

  /// Keras's `boundaries` and `values`.
  public var configuration: Configuration { ["boundaries": boundaries, "values": values] }

  /// Rebuilds the schedule.
  public init(configuration: Configuration) throws {
    self.init(
      boundaries: try configuration.value("boundaries"), values: try configuration.value("values"))
    try validate()
  }
}
