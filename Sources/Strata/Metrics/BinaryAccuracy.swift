/// `mean(y == (p > threshold))`, Keras's `BinaryAccuracy` (the comparison is strict).
public struct BinaryAccuracy: Metric {
  /// The probability above which a prediction counts as 1 (Keras default 0.5).
  public var threshold: Float

  /// Creates the metric with Keras's default threshold.
  public init(threshold: Float = 0.5) {
    self.threshold = threshold
  }

  /// `binary_accuracy`.
  public var name: String { "binary_accuracy" }
  /// Higher is better.
  public var higherIsBetter: Bool? { true }

  /// A mean of per-value hits.
  public func makeAccumulator(for resolution: MetricResolution) -> any MetricAccumulator {
    let threshold = threshold
    return MeanAccumulator { binaryAccuracyValues($0, $1, threshold: threshold) }
  }

  /// `threshold`.
  public var configuration: Configuration { ["threshold": threshold] }
  /// Rebuilds the metric; a missing key takes Keras's default.
  public init(configuration: Configuration) throws {
    self.init(threshold: try configuration.value("threshold", default: 0.5))
  }
}

extension Metric where Self == BinaryAccuracy {
  /// `mean(y == (p > 0.5))`.
  public static var binaryAccuracy: BinaryAccuracy { BinaryAccuracy() }
  /// `mean(y == (p > threshold))`.
  public static func binaryAccuracy(threshold: Float) -> BinaryAccuracy {
    BinaryAccuracy(threshold: threshold)
  }
}

/// 1 where `prediction > threshold` matches the 0/1 target, else 0.
func binaryAccuracyValues(_ target: Tensor, _ prediction: Tensor, threshold: Float) -> Tensor {
  let predicted = prediction.isGreater(than: threshold)
  return predicted.isEqual(to: target.reshaped(to: predicted.shape))
}
