/// The area under the ROC curve, Keras's `AUC(curve="ROC", summation_method="interpolation")`:
/// confusion counts at `numThresholds` thresholds, then the trapezoidal area under TPR against
/// FPR.
public struct AUC: Metric {
  /// The number of thresholds (Keras default 200), at least 3.
  public var numThresholds: Int

  /// Creates the metric with Keras's default of 200 thresholds.
  public init(numThresholds: Int = 200) {
    self.numThresholds = numThresholds
  }

  /// `auc`.
  public var name: String { "auc" }
  /// Higher is better.
  public var higherIsBetter: Bool? { true }

  /// Confusion counts at every threshold.
  public func makeAccumulator(for resolution: MetricResolution) -> any MetricAccumulator {
    AUCAccumulator(thresholdCount: Swift.max(3, numThresholds))
  }

  /// `num_thresholds`.
  public var configuration: Configuration { ["num_thresholds": numThresholds] }
  /// Rebuilds the metric; a missing key takes Keras's default.
  public init(configuration: Configuration) throws {
    let count: Int = try configuration.value("num_thresholds", default: 200)
    guard (3...1_000_000).contains(count) else {
      throw StrataError(
        .invalidArgument, "`num_thresholds` must be in 3...1000000. Received: \(count)")
    }
    self.init(numThresholds: count)
  }
}

extension Metric where Self == AUC {
  /// The area under the ROC curve from 200 thresholds.
  public static var auc: AUC { AUC() }
}
