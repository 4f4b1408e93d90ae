/// Whether the integer label is among the `k` highest predictions, Keras's
/// `SparseTopKCategoricalAccuracy`: a label ranks `1 +` the number of classes scoring strictly
/// higher, and counts when that rank is at most `k` (ties favour the label, as `in_top_k`).
public struct SparseTopKCategoricalAccuracy: Metric {
  /// How many of the highest predictions count (Keras default 5).
  public var k: Int

  /// Creates the metric with Keras's default `k = 5`.
  public init(k: Int = 5) {
    self.k = k
  }

  /// `sparse_top_k_categorical_accuracy`.
  public var name: String { "sparse_top_k_categorical_accuracy" }
  /// Higher is better.
  public var higherIsBetter: Bool? { true }

  /// A mean of per-sample hits.
  public func makeAccumulator(for resolution: MetricResolution) -> any MetricAccumulator {
    let k = k
    return MeanAccumulator { target, prediction in
      topKValues(target, prediction, k: k, sparseTargets: true)
    }
  }

  /// `k`.
  public var configuration: Configuration { ["k": k] }
  /// Rebuilds the metric; a missing key takes Keras's default.
  public init(configuration: Configuration) throws {
    self.init(k: try configuration.value("k", default: 5))
  }
}

extension Metric where Self == SparseTopKCategoricalAccuracy {
  /// Whether the integer label is among the 5 highest predictions.
  public static var sparseTopKCategoricalAccuracy: SparseTopKCategoricalAccuracy {
    SparseTopKCategoricalAccuracy()
  }
  /// Whether the integer label is among the `k` highest predictions.
  public static func sparseTopKCategoricalAccuracy(k: Int) -> SparseTopKCategoricalAccuracy {
    SparseTopKCategoricalAccuracy(k: k)
  }
}
