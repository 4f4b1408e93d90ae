/// Whether the true class (the argmax of a one-hot target) is among the `k` highest
/// predictions, Keras's `TopKCategoricalAccuracy`. For integer labels use
/// ``SparseTopKCategoricalAccuracy``, logged under its own Keras name; given integer labels,
/// this metric reads them as such too (Keras would compare them as one-hot rows).
public struct TopKCategoricalAccuracy: Metric {
  /// How many of the highest predictions count (Keras default 5).
  public var k: Int

  /// Creates the metric with Keras's default `k = 5`.
  public init(k: Int = 5) {
    self.k = k
  }

  /// `top_k_categorical_accuracy`.
  public var name: String { "top_k_categorical_accuracy" }
  /// Higher is better.
  public var higherIsBetter: Bool? { true }

  /// A mean of per-sample hits.
  public func makeAccumulator(for resolution: MetricResolution) -> any MetricAccumulator {
    let (k, sparse) = (k, resolution.hasSparseTargets)
    return MeanAccumulator { target, prediction in
      topKValues(target, prediction, k: k, sparseTargets: sparse)
    }
  }

  /// `k`.
  public var configuration: Configuration { ["k": k] }
  /// Rebuilds the metric; a missing key takes Keras's default.
  public init(configuration: Configuration) throws {
    self.init(k: try configuration.value("k", default: 5))
  }
}

extension Metric where Self == TopKCategoricalAccuracy {
  /// Whether the true class is among the 5 highest predictions.
  public static var topKCategoricalAccuracy: TopKCategoricalAccuracy { TopKCategoricalAccuracy() }
  /// Whether the true class is among the `k` highest predictions.
  public static func topKCategoricalAccuracy(k: Int) -> TopKCategoricalAccuracy {
    TopKCategoricalAccuracy(k: k)
  }
}

/// 1 where fewer than `k` classes score above the true one, else 0.
func topKValues(_ target: Tensor, _ prediction: Tensor, k: Int, sparseTargets: Bool) -> Tensor {
  let classes = prediction.shape[prediction.rank - 1]
  let rows = prediction.scalarCount / Swift.max(classes, 1)
  let labels =
    sparseTargets ? target.reshaped(to: [-1]) : target.argmax(alongAxis: -1).reshaped(to: [-1])
  var hits = [Float](repeating: 0, count: rows)
  for row in 0..<rows {
    guard let label = classIndex(labels.scalars[row]), label < classes else { continue }
    let score = prediction.scalars[row * classes + label]
    var better = 0
    for j in 0..<classes where prediction.scalars[row * classes + j] > score { better += 1 }
    hits[row] = better < k ? 1 : 0
  }
  return Tensor(shape: [rows], scalars: hits)
}
