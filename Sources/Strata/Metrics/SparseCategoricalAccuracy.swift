/// `y == argmax(p)` per sample, for integer labels, Keras's `SparseCategoricalAccuracy`.
public struct SparseCategoricalAccuracy: Metric {
  /// Creates the metric.
  public init() {}

  /// `sparse_categorical_accuracy`.
  public var name: String { "sparse_categorical_accuracy" }
  /// Higher is better.
  public var higherIsBetter: Bool? { true }

  /// A mean of per-sample hits.
  public func makeAccumulator(for resolution: MetricResolution) -> any MetricAccumulator {
    MeanAccumulator(sparseCategoricalAccuracyValues)
  }

  /// No arguments.
  public var configuration: Configuration { [:] }
  /// Rebuilds the metric.
  public init(configuration: Configuration) {}
}

extension Metric where Self == SparseCategoricalAccuracy {
  /// `y == argmax(p)` per sample.
  public static var sparseCategoricalAccuracy: SparseCategoricalAccuracy {
    SparseCategoricalAccuracy()
  }
}

/// 1 where the integer label equals the prediction's arg-maximum, else 0.
func sparseCategoricalAccuracyValues(_ target: Tensor, _ prediction: Tensor) -> Tensor {
  let predicted = prediction.argmax(alongAxis: -1)
  return target.reshaped(to: predicted.shape).isEqual(to: predicted)
}
