/// Categorical cross-entropy with integer class labels (`[N]` or `[N, 1]`) instead of one-hot
/// rows, Keras's `SparseCategoricalCrossentropy`.
public struct SparseCategoricalCrossentropy: Loss, BuiltInLoss {
  /// Whether predictions are logits rather than probabilities.
  public var fromLogits: Bool

  /// Creates the loss with Keras's defaults.
  public init(fromLogits: Bool = false) {
    self.fromLogits = fromLogits
  }

  /// `sparse_categorical_crossentropy`.
  public var name: String { "sparse_categorical_crossentropy" }
  var labels: LossLabels { .sparse }
  var fusion: LossFusion? { fromLogits ? nil : .sparseSoftmax }

  /// Per-sample values.
  public func values(target: Tensor, prediction: Tensor) -> Tensor {
    let labels = target.reshaped(to: [-1])
    if fromLogits { return Tensor.softmaxCrossEntropy(logits: prediction, labels: labels) }
    let classes = prediction.shape[prediction.rank - 1]
    return categoricalCrossentropyFromProbabilities(
      target: oneHot(labels, classes: classes), prediction: prediction)
  }

  /// `from_logits`.
  public var configuration: Configuration { ["from_logits": fromLogits] }

  /// Rebuilds the loss; a missing key takes Keras's default.
  public init(configuration: Configuration) throws {
    self.init(fromLogits: try configuration.value("from_logits", default: false))
  }
}

extension Loss where Self == SparseCategoricalCrossentropy {
  /// Sparse categorical cross-entropy on softmax probabilities with integer labels.
  public static var sparseCategoricalCrossentropy: SparseCategoricalCrossentropy {
    SparseCategoricalCrossentropy()
  }

  /// Sparse categorical cross-entropy, from probabilities or (`fromLogits`) from logits.
  public static func sparseCategoricalCrossentropy(fromLogits: Bool)
    -> SparseCategoricalCrossentropy
  {
    SparseCategoricalCrossentropy(fromLogits: fromLogits)
  }
}
