/// `TP / (TP + FN)` with predictions above 0.5 counted positive, Keras's `Recall()`.
public struct Recall: Metric {
  /// What is counted: threshold, top k, class.
  public var options: ConfusionOptions

  /// Creates the metric with Keras's defaults, or its `thresholds`, `top_k` and `class_id`.
  public init(threshold: Float? = nil, topK: Int? = nil, classId: Int? = nil) {
    options = ConfusionOptions(threshold: threshold, topK: topK, classId: classId)
  }

  /// `recall`.
  public var name: String { "recall" }
  /// Higher is better.
  public var higherIsBetter: Bool? { true }

  /// Confusion counts at 0.5.
  public func makeAccumulator(for resolution: MetricResolution) -> any MetricAccumulator {
    ConfusionAccumulator(options: options) { tp, _, fn in tp + fn > 0 ? tp / (tp + fn) : 0 }
  }

  /// Keras's `thresholds`, `top_k` and `class_id`.
  public var configuration: Configuration { options.configuration }
  /// Rebuilds the metric; missing keys take Keras's defaults.
  public init(configuration: Configuration) throws {
    options = try ConfusionOptions(configuration: configuration, metric: "Recall")
  }
}

extension Metric where Self == Recall {
  /// `TP / (TP + FN)` at threshold 0.5.
  public static var recall: Recall { Recall() }
}
