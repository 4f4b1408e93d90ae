/// `√(mean((y − p)²))` over every value seen, Keras's `RootMeanSquaredError`: the mean of the
/// squared errors accumulates over the run (weighted by `sampleWeight` when given), and the
/// square root is taken of the mean — not a mean of per-batch roots.
public struct RootMeanSquaredError: Metric {
  /// Creates the metric.
  public init() {}

  /// `root_mean_squared_error`.
  public var name: String { "root_mean_squared_error" }
  /// Lower is better.
  public var higherIsBetter: Bool? { false }

  /// The running mean of squared errors, reported as its square root.
  public func makeAccumulator(for resolution: MetricResolution) -> any MetricAccumulator {
    RootOfMeanAccumulator(
      MeanAccumulator { target, prediction in
        (alignedTarget(target, to: prediction) - prediction).square()
      })
  }

  /// No arguments.
  public var configuration: Configuration { [:] }
  /// Rebuilds the metric.
  public init(configuration: Configuration) {}
}

extension Metric where Self == RootMeanSquaredError {
  /// `√(mean((y − p)²))` over the run.
  public static var rootMeanSquaredError: RootMeanSquaredError { RootMeanSquaredError() }
}

/// The square root of a running mean.
private final class RootOfMeanAccumulator: MetricAccumulator {
  private let mean: MeanAccumulator

  init(_ mean: MeanAccumulator) { self.mean = mean }

  func update(target: Tensor, prediction: Tensor, sampleWeight: Tensor?) {
    mean.update(target: target, prediction: prediction, sampleWeight: sampleWeight)
  }

  var result: Float { mean.result.squareRoot() }

  var summableState: [Double] {
    get { mean.summableState }
    set { mean.summableState = newValue }
  }

  func reset() { mean.reset() }
}

/// `target` in the prediction's shape when they hold as many values (`[N]` against `[N, 1]`),
/// as Keras's `squeeze_or_expand_to_same_rank`.
func alignedTarget(_ target: Tensor, to prediction: Tensor) -> Tensor {
  target.shape != prediction.shape && target.scalarCount == prediction.scalarCount
    ? target.reshaped(to: prediction.shape) : target
}
