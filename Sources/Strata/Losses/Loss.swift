/// A training objective, as Keras's `loss=`: per-sample values, averaged over the batch.
///
/// Both spellings read naturally: `loss: .binaryCrossentropy` and
/// `loss: .binaryCrossentropy(fromLogits: true)`. Formulas follow Keras 3
/// (`keras/src/losses/losses.py`), with its `epsilon = 1e-7` clipping of probabilities.
/// The batch loss is `Σ(values · sampleWeight) / N` (Keras's `sum_over_batch_size`).
public struct Loss: CustomStringConvertible, Sendable {
  /// What labels a loss expects, for validation before training.
  enum Labels {
    /// Integer class indices `[N]` or `[N, 1]` for an output `[N, classes]`.
    case sparse
    /// 0/1 values of the output's shape.
    case binary
    /// Distributions (one-hot rows) of the output's shape.
    case categorical
    /// Real values of the output's shape.
    case real
  }

  /// The pairing of this loss with a final softmax or sigmoid that trains on logits.
  enum Fusion {
    case sparseSoftmax
    case softmax(labelSmoothing: Float)
    case sigmoid(labelSmoothing: Float)
  }

  /// The Keras name (`"binary_crossentropy"`), used when the loss is a metric too.
  public let name: String
  let labels: Labels
  let fromLogits: Bool
  let fusion: Fusion?
  /// The arguments that configured the loss (`labelSmoothing`, `delta`), for saving.
  var parameters: [String: Float] = [:]
  /// Whether the loss is built in (so a saved model can rebuild it by name).
  var isBuiltIn = true
  let perSample: @Sendable (_ target: Tensor, _ prediction: Tensor) -> Tensor

  /// The Keras name.
  public var description: String { name }

  static let epsilon: Float = 1e-7

  /// Per-sample values (`[N]`) for targets already shaped like the predictions (sparse
  /// labels as `[N]`).
  public func values(target: Tensor, prediction: Tensor) -> Tensor {
    perSample(target, prediction)
  }

  /// The batch loss: `Σ(values · weights) / N`, or the plain mean without weights.
  func reduce(_ values: Tensor, sampleWeight: Tensor?) -> Tensor {
    if values.rank == 0 { return values }
    let n = Float(Swift.max(values.scalarCount, 1))
    guard let sampleWeight else { return values.sum() / n }
    return (values * sampleWeight.reshaped(to: values.shape)).sum() / n
  }

  /// A loss from your own per-sample function of `(target, prediction)`, built from engine
  /// ops (its gradient follows from them). Return one value per sample, or a scalar.
  public static func custom(
    name: String, _ body: @escaping @Sendable (_ target: Tensor, _ prediction: Tensor) -> Tensor
  ) -> Loss {
    Loss(
      name: name, labels: .real, fromLogits: false, fusion: nil, isBuiltIn: false, perSample: body)
  }
}

extension Loss {
  /// Binary cross-entropy on sigmoid probabilities (Keras's defaults).
  public static let binaryCrossentropy = binaryCrossentropy(fromLogits: false)

  /// Binary cross-entropy, `−(y log p + (1 − y) log(1 − p))` averaged over the last axis;
  /// with `fromLogits`, computed stably from logits.
  public static func binaryCrossentropy(fromLogits: Bool, labelSmoothing: Float = 0) -> Loss {
    Loss(
      name: "binary_crossentropy", labels: .binary, fromLogits: fromLogits,
      fusion: fromLogits ? nil : .sigmoid(labelSmoothing: labelSmoothing),
      parameters: ["labelSmoothing": labelSmoothing]
    ) { target, prediction in
      let y = labelSmoothing > 0 ? target * (1 - labelSmoothing) + 0.5 * labelSmoothing : target
      if fromLogits {
        return Tensor.sigmoidCrossEntropy(logits: prediction, targets: y).mean(alongAxis: -1)
      }
      let p = prediction.clipped(lowerBound: epsilon, upperBound: 1 - epsilon)
      return -(y * p.log() + (1 - y) * (1 - p).log()).mean(alongAxis: -1)
    }
  }

  /// Categorical cross-entropy on softmax probabilities with one-hot targets.
  public static let categoricalCrossentropy = categoricalCrossentropy(fromLogits: false)

  /// Categorical cross-entropy `−Σ y log p` over the last axis. Probabilities are first
  /// re-normalised and clipped to `[1e-7, 1 − 1e-7]`, as Keras does; with `fromLogits`,
  /// computed from logits. `labelSmoothing` mixes targets with the uniform distribution.
  public static func categoricalCrossentropy(fromLogits: Bool, labelSmoothing: Float = 0) -> Loss {
    Loss(
      name: "categorical_crossentropy", labels: .categorical, fromLogits: fromLogits,
      fusion: fromLogits ? nil : .softmax(labelSmoothing: labelSmoothing),
      parameters: ["labelSmoothing": labelSmoothing]
    ) { target, prediction in
      var y = target
      if labelSmoothing > 0 {
        let classes = Float(target.shape[target.rank - 1])
        y = target * (1 - labelSmoothing) + labelSmoothing / classes
      }
      if fromLogits { return Tensor.softmaxCrossEntropy(logits: prediction, targets: y) }
      return categoricalFromProbabilities(target: y, prediction: prediction)
    }
  }

  static func categoricalFromProbabilities(target: Tensor, prediction: Tensor) -> Tensor {
    let normalized = prediction / prediction.sum(alongAxis: -1, keepingDims: true)
    let p = normalized.clipped(lowerBound: epsilon, upperBound: 1 - epsilon)
    return -(target * p.log()).sum(alongAxis: -1)
  }

  /// Sparse categorical cross-entropy on softmax probabilities with integer labels.
  public static let sparseCategoricalCrossentropy = sparseCategoricalCrossentropy(fromLogits: false)

  /// Categorical cross-entropy with integer class labels (`[N]` or `[N, 1]`) instead of
  /// one-hot rows.
  public static func sparseCategoricalCrossentropy(fromLogits: Bool) -> Loss {
    Loss(
      name: "sparse_categorical_crossentropy", labels: .sparse, fromLogits: fromLogits,
      fusion: fromLogits ? nil : .sparseSoftmax
    ) { target, prediction in
      let labels = target.reshaped(to: [-1])
      if fromLogits { return Tensor.softmaxCrossEntropy(logits: prediction, labels: labels) }
      let classes = prediction.shape[prediction.rank - 1]
      return categoricalFromProbabilities(
        target: oneHot(labels, classes: classes), prediction: prediction)
    }
  }

  /// `mean((y − p)²)` over the last axis.
  public static let meanSquaredError = Loss(
    name: "mean_squared_error", labels: .real, fromLogits: false, fusion: nil
  ) { target, prediction in (target - prediction).square().mean(alongAxis: -1) }

  /// `mean(|y − p|)` over the last axis.
  public static let meanAbsoluteError = Loss(
    name: "mean_absolute_error", labels: .real, fromLogits: false, fusion: nil
  ) { target, prediction in (target - prediction).abs().mean(alongAxis: -1) }

  /// The Huber loss with Keras's `delta = 1`.
  public static let huber = huber(delta: 1)

  /// `½e²` where `|e| ≤ δ`, else `δ|e| − ½δ²`, averaged over the last axis (`e = p − y`).
  /// Keras names it `huber_loss`.
  public static func huber(delta: Float) -> Loss {
    Loss(
      name: "huber_loss", labels: .real, fromLogits: false, fusion: nil,
      parameters: ["delta": delta]
    ) { target, prediction in
      let error = (prediction - target).abs()
      let quadratic = error.minimum(delta)
      let linear = error - quadratic
      return (quadratic.square() * 0.5 + linear * delta).mean(alongAxis: -1)
    }
  }

  /// `mean(max(1 − y·p, 0))` over the last axis; 0/1 labels are first mapped to −1/1.
  public static let hinge = Loss(name: "hinge", labels: .real, fromLogits: false, fusion: nil) {
    target, prediction in
    let isBinary = target.scalars.allSatisfy { $0 == 0 || $0 == 1 }
    let y = isBinary ? target * 2 - 1 : target
    return (1 - y * prediction).maximum(0).mean(alongAxis: -1)
  }

  /// `Σ y log(y / p)` over the last axis, with both clipped to `[1e-7, 1]`.
  public static let kullbackLeiblerDivergence = Loss(
    name: "kl_divergence", labels: .real, fromLogits: false, fusion: nil
  ) { target, prediction in
    let y = target.clipped(lowerBound: epsilon, upperBound: 1)
    let p = prediction.clipped(lowerBound: epsilon, upperBound: 1)
    return (y * (y / p).log()).sum(alongAxis: -1)
  }
}

/// One-hot rows `[N, classes]` for integer labels `[N]` stored as `Float`.
func oneHot(_ labels: Tensor, classes: Int) -> Tensor {
  var values = [Float](repeating: 0, count: labels.scalarCount * classes)
  for (i, label) in labels.scalars.enumerated() {
    let index = Int(label)
    if index >= 0 && index < classes { values[i * classes + index] = 1 }
  }
  return Tensor(shape: [labels.scalarCount, classes], scalars: values)
}
