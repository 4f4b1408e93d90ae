/// `TP / (TP + FP)` with predictions above 0.5 counted positive, Keras's `Precision()`.
public struct Precision: Metric {
  /// Creates the metric.
  public init() {}

  /// `precision`.
  public var name: String { "precision" }
  /// Higher is better.
  public var higherIsBetter: Bool? { true }

  /// Confusion counts at 0.5.
  public func makeAccumulator(for resolution: MetricResolution) -> any MetricAccumulator {
    ConfusionAccumulator(threshold: 0.5) { tp, fp, _ in tp + fp > 0 ? tp / (tp + fp) : 0 }
  }

  /// No arguments.
  public var configuration: Configuration { [:] }
  /// Rebuilds the metric.
  public init(configuration: Configuration) {}
}

extension Metric where Self == Precision {
  /// `TP / (TP + FP)` at threshold 0.5.
  public static var precision: Precision { Precision() }
}
