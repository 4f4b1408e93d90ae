/// `argmax(y) == argmax(p)` per sample, for one-hot targets, Keras's `CategoricalAccuracy`.
public struct CategoricalAccuracy: Metric {
  /// Creates the metric.
  public init() {}

  /// `categorical_accuracy`.
  public var name: String { "categorical_accuracy" }
  /// Higher is better.
  public var higherIsBetter: Bool? { true }

  /// A mean of per-sample hits.
  public func makeAccumulator(for resolution: MetricResolution) -> any MetricAccumulator {
    MeanAccumulator(categoricalAccuracyValues)
  }

  /// No arguments.
  public var configuration: Configuration { [:] }
  /// Rebuilds the metric.
  public init(configuration: Configuration) {}
}

extension Metric where Self == CategoricalAccuracy {
  /// `argmax(y) == argmax(p)` per sample.
  public static var categoricalAccuracy: CategoricalAccuracy { CategoricalAccuracy() }
}

/// 1 where the arg-maxima of target and prediction agree, else 0.
func categoricalAccuracyValues(_ target: Tensor, _ prediction: Tensor) -> Tensor {
  target.argmax(alongAxis: -1).isEqual(to: prediction.argmax(alongAxis: -1))
}
