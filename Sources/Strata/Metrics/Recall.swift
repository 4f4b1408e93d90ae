/// `TP / (TP + FN)` with predictions above 0.5 counted positive, Keras's `Recall()`.
public struct Recall: Metric {
  /// Creates the metric.
  public init() {}

  /// `recall`.
  public var name: String { "recall" }
  /// Higher is better.
  public var higherIsBetter: Bool? { true }

  /// Confusion counts at 0.5.
  public func makeAccumulator(for resolution: MetricResolution) -> any MetricAccumulator {
    ConfusionAccumulator(threshold: 0.5) { tp, _, fn in tp + fn > 0 ? tp / (tp + fn) : 0 }
  }

  /// No arguments.
  public var configuration: Configuration { [:] }
  /// Rebuilds the metric.
  public init(configuration: Configuration) {}
}

extension Metric where Self == Recall {
  /// `TP / (TP + FN)` at threshold 0.5.
  public static var recall: Recall { Recall() }
}
