/// A quantity reported during `fit` and `evaluate`, as Keras's `metrics=[…]`.
///
/// Each metric keeps running state over an epoch (Keras's `total`/`count`), so an epoch value
/// is the mean over samples, not over batches. Names are Keras's and appear in ``History``:
/// `.accuracy` → `accuracy`, `.binaryCrossentropy` → `binary_crossentropy`.
public struct Metric: CustomStringConvertible, Sendable {
  /// The name under which the metric is logged (`val_` is prefixed for validation).
  public let name: String
  /// Whether larger values are better (accuracy) or smaller ones (errors); used by callbacks
  /// with `mode: .auto`.
  public let higherIsBetter: Bool
  let make: @Sendable (MetricResolution) -> MetricAccumulator

  /// The logged name.
  public var description: String { name }

  /// Accuracy resolved as Keras resolves `"accuracy"`: binary when the output has one
  /// column, sparse-categorical when labels are integer indices, otherwise categorical.
  public static let accuracy = Metric(name: "accuracy", higherIsBetter: true) { resolution in
    if resolution.outputShape.last == 1 {
      return MeanAccumulator { binaryAccuracyValues($0, $1, threshold: 0.5) }
    }
    if resolution.hasSparseTargets {
      return MeanAccumulator(sparseCategoricalAccuracyValues)
    }
    return MeanAccumulator(categoricalAccuracyValues)
  }

  /// `mean(y == (p > 0.5))`.
  public static let binaryAccuracy = binaryAccuracy(threshold: 0.5)

  /// `mean(y == (p > threshold))` (the comparison is strict, as in Keras).
  public static func binaryAccuracy(threshold: Float) -> Metric {
    Metric(name: "binary_accuracy", higherIsBetter: true) { _ in
      MeanAccumulator { binaryAccuracyValues($0, $1, threshold: threshold) }
    }
  }

  /// `argmax(y) == argmax(p)` per sample, for one-hot targets.
  public static let categoricalAccuracy = Metric(name: "categorical_accuracy", higherIsBetter: true)
  { _ in
    MeanAccumulator(categoricalAccuracyValues)
  }

  /// `y == argmax(p)` per sample, for integer labels.
  public static let sparseCategoricalAccuracy = Metric(
    name: "sparse_categorical_accuracy", higherIsBetter: true
  ) { _ in MeanAccumulator(sparseCategoricalAccuracyValues) }

  /// Whether the true class is among the 5 highest predictions (Keras's default `k`).
  public static let topKCategoricalAccuracy = topKCategoricalAccuracy(k: 5)

  /// Whether the true class (the argmax of a one-hot target, or an integer label) is among
  /// the `k` highest predictions.
  public static func topKCategoricalAccuracy(k: Int) -> Metric {
    Metric(name: "top_k_categorical_accuracy", higherIsBetter: true) { resolution in
      let sparse = resolution.hasSparseTargets
      return MeanAccumulator { target, prediction in
        topKValues(target, prediction, k: k, sparseTargets: sparse)
      }
    }
  }

  /// `TP / (TP + FP)` with predictions above 0.5 counted positive.
  public static let precision = Metric(name: "precision", higherIsBetter: true) { _ in
    ConfusionAccumulator(threshold: 0.5) { tp, fp, _ in tp + fp > 0 ? tp / (tp + fp) : 0 }
  }

  /// `TP / (TP + FN)` with predictions above 0.5 counted positive.
  public static let recall = Metric(name: "recall", higherIsBetter: true) { _ in
    ConfusionAccumulator(threshold: 0.5) { tp, _, fn in tp + fn > 0 ? tp / (tp + fn) : 0 }
  }

  /// The area under the ROC curve from 200 thresholds, as Keras's `AUC()`.
  public static let auc = Metric(name: "auc", higherIsBetter: true) { _ in
    AUCAccumulator(thresholdCount: 200)
  }

  /// Mean squared error as a metric.
  public static let meanSquaredError = loss(.meanSquaredError)
  /// Mean absolute error as a metric.
  public static let meanAbsoluteError = loss(.meanAbsoluteError)
  /// Binary cross-entropy (on probabilities) as a metric, logged as `binary_crossentropy`.
  public static let binaryCrossentropy = loss(.binaryCrossentropy)
  /// Categorical cross-entropy (on probabilities) as a metric.
  public static let categoricalCrossentropy = loss(.categoricalCrossentropy)
  /// Sparse categorical cross-entropy (on probabilities) as a metric.
  public static let sparseCategoricalCrossentropy = loss(.sparseCategoricalCrossentropy)

  /// Any loss as a metric, named as the loss (without regularization penalties).
  public static func loss(_ loss: Loss) -> Metric {
    Metric(name: loss.name, higherIsBetter: false) { _ in
      MeanAccumulator { target, prediction in loss.values(target: target, prediction: prediction) }
    }
  }

  /// A metric from your own per-sample function of `(target, prediction)`, averaged over
  /// samples.
  public static func custom(
    name: String, higherIsBetter: Bool = true,
    _ body: @escaping @Sendable (_ target: Tensor, _ prediction: Tensor) -> Tensor
  ) -> Metric {
    Metric(name: name, higherIsBetter: higherIsBetter) { _ in MeanAccumulator(body) }
  }
}

/// What a metric may look at to resolve itself (Keras builds metrics on the first batch).
struct MetricResolution {
  /// The model's output shape without the batch axis.
  let outputShape: [Int]
  /// The labels' shape without the batch axis.
  let targetShape: [Int]

  /// Keras's `is_sparse`: labels of lower rank than the output, or one label column for a
  /// multi-column output.
  var hasSparseTargets: Bool {
    targetShape.count < outputShape.count
      || (targetShape.last == 1 && (outputShape.last ?? 1) > 1)
  }
}

func binaryAccuracyValues(_ target: Tensor, _ prediction: Tensor, threshold: Float) -> Tensor {
  let predicted = prediction.isGreater(than: threshold)
  return predicted.isEqual(to: target.reshaped(to: predicted.shape))
}

func categoricalAccuracyValues(_ target: Tensor, _ prediction: Tensor) -> Tensor {
  target.argmax(alongAxis: -1).isEqual(to: prediction.argmax(alongAxis: -1))
}

func sparseCategoricalAccuracyValues(_ target: Tensor, _ prediction: Tensor) -> Tensor {
  let predicted = prediction.argmax(alongAxis: -1)
  return target.reshaped(to: predicted.shape).isEqual(to: predicted)
}

func topKValues(_ target: Tensor, _ prediction: Tensor, k: Int, sparseTargets: Bool) -> Tensor {
  let classes = prediction.shape[prediction.rank - 1]
  let rows = prediction.scalarCount / Swift.max(classes, 1)
  let labels =
    sparseTargets ? target.reshaped(to: [-1]) : target.argmax(alongAxis: -1).reshaped(to: [-1])
  var hits = [Float](repeating: 0, count: rows)
  for row in 0..<rows {
    let label = Int(labels.scalars[row])
    guard label >= 0 && label < classes else { continue }
    let score = prediction.scalars[row * classes + label]
    var better = 0
    for j in 0..<classes where prediction.scalars[row * classes + j] > score { better += 1 }
    hits[row] = better < k ? 1 : 0
  }
  return Tensor(shape: [rows], scalars: hits)
}
