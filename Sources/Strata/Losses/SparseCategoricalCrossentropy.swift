/// Categorical cross-entropy with integer class labels (`[N]` or `[N, 1]`) instead of one-hot
/// rows, Keras's `SparseCategoricalCrossentropy`.
///
/// With `ignoreClass`, targets equal to it (a "void" label such as −1 or 255 in
/// segmentation, or padding in sequences) add nothing: their values are 0 and, as in Keras,
/// they are left out of the count the batch loss is divided by.
public struct SparseCategoricalCrossentropy: Loss, BuiltInLoss, ClassIgnoringLoss {
  /// Whether predictions are logits rather than probabilities.
  public var fromLogits: Bool
  /// A label whose targets the loss ignores (Keras's `ignore_class`, default `nil`: none).
  public var ignoreClass: Int?
  /// How a batch's values become its loss (Keras's `reduction`, default
  /// ``LossReduction/sumOverBatchSize``).
  public var reduction: LossReduction

  /// Creates the loss with Keras's defaults.
  public init(
    fromLogits: Bool = false, ignoreClass: Int? = nil,
    reduction: LossReduction = .sumOverBatchSize
  ) {
    self.fromLogits = fromLogits
    self.ignoreClass = ignoreClass
    self.reduction = reduction
  }

  /// `sparse_categorical_crossentropy`.
  public var name: String { "sparse_categorical_crossentropy" }
  var labels: LossLabels { .sparse }
  var fusion: LossFusion? { fromLogits ? nil : .sparseSoftmax }

  /// Per-sample values; 0 for a target of the ignored class.
  public func values(target: Tensor, prediction: Tensor) -> Tensor {
    let mask = validMask(target: target)
    let labels = (mask == nil ? target : validTargets(target)).reshaped(to: [-1])
    let values: Tensor
    if fromLogits {
      values = Tensor.softmaxCrossEntropy(logits: prediction, labels: labels)
    } else {
      let classes = prediction.shape[prediction.rank - 1]
      values = categoricalCrossentropyFromProbabilities(
        target: oneHot(labels, classes: classes), prediction: prediction)
    }
    return mask.map { values * $0.reshaped(to: values.shape) } ?? values
  }

  func validMask(target: Tensor) -> Tensor? {
    guard let ignoreClass else { return nil }
    let ignored = Float(ignoreClass)
    return Tensor(
      shape: [target.scalarCount], scalars: target.scalars.map { $0 == ignored ? 0 : 1 })
  }

  func validTargets(_ target: Tensor) -> Tensor {
    guard let ignoreClass else { return target }
    let ignored = Float(ignoreClass)
    return Tensor(shape: target.shape, scalars: target.scalars.map { $0 == ignored ? 0 : $0 })
  }

  /// `from_logits`, `ignore_class` and `reduction`.
  public var configuration: Configuration {
    ["from_logits": fromLogits, "ignore_class": ignoreClass, "reduction": reduction]
  }

  /// Rebuilds the loss; a missing key takes Keras's default.
  public init(configuration: Configuration) throws {
    self.init(
      fromLogits: try configuration.value("from_logits", default: false),
      ignoreClass: try configuration.value("ignore_class", default: Int?.none),
      reduction: try configuration.lossReduction())
  }
}

extension Loss where Self == SparseCategoricalCrossentropy {
  /// Sparse categorical cross-entropy on softmax probabilities with integer labels.
  public static var sparseCategoricalCrossentropy: SparseCategoricalCrossentropy {
    SparseCategoricalCrossentropy()
  }

  /// Sparse categorical cross-entropy, from probabilities or (`fromLogits`) from logits,
  /// leaving out `ignoreClass`, reduced as `reduction` says.
  public static func sparseCategoricalCrossentropy(
    fromLogits: Bool = false, ignoreClass: Int? = nil,
    reduction: LossReduction = .sumOverBatchSize
  ) -> SparseCategoricalCrossentropy {
    SparseCategoricalCrossentropy(
      fromLogits: fromLogits, ignoreClass: ignoreClass, reduction: reduction)
  }
}
