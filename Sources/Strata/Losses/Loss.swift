/// A training objective, as Keras's `loss=`: per-sample values, averaged over the batch.
///
/// Both spellings read naturally: `loss: .binaryCrossentropy` and
/// `loss: .binaryCrossentropy(fromLogits: true)`, or the type itself,
/// `BinaryCrossentropy(fromLogits: true)`. Formulas follow Keras 3
/// (`keras/src/losses/losses.py`), with its `epsilon = 1e-7` clipping of probabilities.
/// The batch loss is `Σ(values · sampleWeight) / N` (Keras's `sum_over_batch_size`), or as
/// the loss's ``reduction`` says.
///
/// To write your own, adopt the protocol (and ``Configurable``, so models compiled with it can
/// be saved), or write a closure with ``CustomLoss``.
public protocol Loss: Configurable, Sendable {
  /// The Keras name (`"binary_crossentropy"`), under which the loss is logged as a metric.
  var name: String { get }

  /// Per-sample values (`[N]`) for targets already shaped like the predictions (sparse
  /// labels as `[N]`), built from engine ops so that their gradient follows.
  func values(target: Tensor, prediction: Tensor) -> Tensor

  /// How the values of a batch become the batch loss (Keras's `reduction`); the built-in
  /// losses take it as an argument, others reduce with ``LossReduction/sumOverBatchSize``.
  var reduction: LossReduction { get }
}

/// The clipping margin of probabilities in the cross-entropies, Keras's `epsilon()`.
let lossEpsilon: Float = 1e-7

/// What labels a loss expects, so that `fit` can check them before training.
enum LossLabels: Equatable {
  /// Integer class indices `[N]` or `[N, 1]` for an output `[N, classes]`.
  case sparse
  /// Probabilities in [0, 1] (0/1 labels, or soft targets) of the output's shape.
  case binary
  /// Distributions (one-hot rows) of the output's shape.
  case categorical
  /// Real values of the output's shape.
  case real
}

/// The pairing of a loss with a final softmax or sigmoid that trains on logits: the fused,
/// stable op Keras's TensorFlow backend uses.
enum LossFusion {
  case sparseSoftmax
  case softmax(labelSmoothing: Float)
  case sigmoid(labelSmoothing: Float)
}

/// A built-in loss that says which labels it expects and whether it fuses with the output
/// activation. Losses that do not adopt it take real-valued targets and no fusion.
protocol BuiltInLoss: Loss {
  /// The labels the loss expects.
  var labels: LossLabels { get }
  /// The fused form, if the loss has one.
  var fusion: LossFusion? { get }
}

extension Loss {
  /// The labels this loss expects (real values unless it says otherwise).
  var labels: LossLabels { (self as? any BuiltInLoss)?.labels ?? .real }

  /// The fused softmax/sigmoid form of this loss, if it has one.
  var fusion: LossFusion? { (self as? any BuiltInLoss)?.fusion ?? nil }

  /// Keras's default reduction, `sum_over_batch_size`.
  public var reduction: LossReduction { .sumOverBatchSize }

  /// The loss of `prediction` against `target`, as Keras's `loss(y_true, y_pred,
  /// sample_weight)`: the ``values(target:prediction:)`` weighted by `sampleWeight` (`[N]`)
  /// and reduced as ``reduction`` says (a scalar, or the values for ``LossReduction/none``).
  public func callAsFunction(
    target: Tensor, prediction: Tensor, sampleWeight: Tensor? = nil
  ) -> Tensor {
    // The values of an ignored class are already 0; the mask leaves them out of the count.
    reduce(
      values(target: target, prediction: prediction), sampleWeight: sampleWeight,
      mask: valueMask(target: target))
  }

  /// 1 for a target that counts and 0 for one the loss ignores (``SparseCategoricalCrossentropy/ignoreClass``), or `nil` when all count.
  func valueMask(target: Tensor) -> Tensor? {
    (self as? any ClassIgnoringLoss)?.validMask(target: target) ?? nil
  }
}

/// A loss that leaves out the targets of one class, as Keras's `ignore_class`.
protocol ClassIgnoringLoss: Loss {
  /// The ignored label, if any (valid labels need not include it).
  var ignoreClass: Int? { get }
  /// 1 where the target counts, 0 where it is the ignored class, one per value; `nil` when
  /// no class is ignored.
  func validMask(target: Tensor) -> Tensor?
  /// The targets with the ignored class replaced by a valid one, whose values the mask then
  /// zeroes (so that no op sees an out-of-range label).
  func validTargets(_ target: Tensor) -> Tensor
}

/// Categorical cross-entropy `−Σ y log p` from probabilities, re-normalised and clipped to
/// `[1e-7, 1 − 1e-7]` first, as Keras does.
func categoricalCrossentropyFromProbabilities(target: Tensor, prediction: Tensor) -> Tensor {
  let normalized = prediction / prediction.sum(alongAxis: -1, keepingDims: true)
  let p = normalized.clipped(lowerBound: lossEpsilon, upperBound: 1 - lossEpsilon)
  return -(target * p.log()).sum(alongAxis: -1)
}

/// One-hot rows `[N, classes]` for integer labels `[N]` stored as `Float` (a row of zeros
/// for a label that is not a class index).
func oneHot(_ labels: Tensor, classes: Int) -> Tensor {
  var values = [Float](repeating: 0, count: labels.scalarCount * classes)
  for (i, label) in labels.scalars.enumerated() {
    if let index = classIndex(label), index < classes { values[i * classes + index] = 1 }
  }
  return Tensor(shape: [labels.scalarCount, classes], scalars: values)
}

/// A label stored as `Float` as a class index (truncated, as `Int(_:)` does), or `nil` for a
/// negative, non-finite or huge value, which `Int(_:)` would trap on.
func classIndex(_ label: Float) -> Int? {
  label.isFinite && label >= 0 && label < Float(Int32.max) ? Int(label) : nil
}
