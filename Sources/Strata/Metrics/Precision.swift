/// `TP / (TP + FP)` with predictions above 0.5 counted positive, Keras's `Precision()`.
public struct Precision: Metric {
  /// What is counted: threshold, top k, class.
  public var options: ConfusionOptions

  /// Creates the metric with Keras's defaults, or its `thresholds`, `top_k` and `class_id`.
  public init(threshold: Float? = nil, topK: Int? = nil, classId: Int? = nil) {
    options = ConfusionOptions(threshold: threshold, topK: topK, classId: classId)
  }

  /// `precision`.
  public var name: String { "precision" }
  /// Higher is better.
  public var higherIsBetter: Bool? { true }

  /// Confusion counts at 0.5.
  public func makeAccumulator(for resolution: MetricResolution) -> any MetricAccumulator {
    ConfusionAccumulator(options: options) { tp, fp, _ in tp + fp > 0 ? tp / (tp + fp) : 0 }
  }

  /// Keras's `thresholds`, `top_k` and `class_id`.
  public var configuration: Configuration { options.configuration }
  /// Rebuilds the metric; missing keys take Keras's defaults.
  public init(configuration: Configuration) throws {
    options = try ConfusionOptions(configuration: configuration, metric: "Precision")
  }
}

extension Metric where Self == Precision {
  /// `TP / (TP + FP)` at threshold 0.5.
  public static var precision: Precision { Precision() }
}
