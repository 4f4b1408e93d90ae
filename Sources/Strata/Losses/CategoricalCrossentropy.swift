/// Categorical cross-entropy with one-hot (or distribution) targets, Keras's
/// `CategoricalCrossentropy`: `−Σ y log p` over the last axis. Probabilities are first
/// re-normalised and clipped to `[1e-7, 1 − 1e-7]`, as Keras does; with `fromLogits`, computed
/// from logits. `labelSmoothing` mixes targets with the uniform distribution:
/// `y(1 − ls) + ls/classes`.
public struct CategoricalCrossentropy: Loss, BuiltInLoss {
  /// How a batch's values become its loss (Keras's `reduction`, default
  /// ``LossReduction/sumOverBatchSize``).
  public var reduction: LossReduction
  /// Whether predictions are logits rather than probabilities.
  public var fromLogits: Bool
  /// How much of the uniform distribution is mixed into the targets (Keras default 0).
  public var labelSmoothing: Float

  /// Creates the loss with Keras's defaults.
  public init(
    fromLogits: Bool = false, labelSmoothing: Float = 0,
    reduction: LossReduction = .sumOverBatchSize
  ) {
    self.reduction = reduction
    self.fromLogits = fromLogits
    self.labelSmoothing = labelSmoothing
  }

  /// `categorical_crossentropy`.
  public var name: String { "categorical_crossentropy" }
  var labels: LossLabels { .categorical }
  var fusion: LossFusion? { fromLogits ? nil : .softmax(labelSmoothing: labelSmoothing) }

  /// Per-sample values.
  public func values(target: Tensor, prediction: Tensor) -> Tensor {
    var y = target
    if labelSmoothing > 0 {
      let classes = Float(target.shape[target.rank - 1])
      y = target * (1 - labelSmoothing) + labelSmoothing / classes
    }
    if fromLogits { return Tensor.softmaxCrossEntropy(logits: prediction, targets: y) }
    return categoricalCrossentropyFromProbabilities(target: y, prediction: prediction)
  }

  /// `from_logits` and `label_smoothing`.
  public var configuration: Configuration {
    ["from_logits": fromLogits, "label_smoothing": labelSmoothing, "reduction": reduction]
  }

  /// Rebuilds the loss; missing keys take Keras's defaults.
  public init(configuration: Configuration) throws {
    self.init(
      fromLogits: try configuration.value("from_logits", default: false),
      labelSmoothing: try configuration.value("label_smoothing", default: 0),
      reduction: try configuration.lossReduction())
  }
}

extension Loss where Self == CategoricalCrossentropy {
  /// Categorical cross-entropy on softmax probabilities with one-hot targets.
  public static var categoricalCrossentropy: CategoricalCrossentropy { CategoricalCrossentropy() }

  /// Categorical cross-entropy, from probabilities or (`fromLogits`) from logits.
  public static func categoricalCrossentropy(fromLogits: Bool, labelSmoothing: Float = 0)
    -> CategoricalCrossentropy
  {
    CategoricalCrossentropy(fromLogits: fromLogits, labelSmoothing: labelSmoothing)
  }
}
