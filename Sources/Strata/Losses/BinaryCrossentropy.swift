/// Binary cross-entropy, Keras's `BinaryCrossentropy`: `−(y log p + (1 − y) log(1 − p))`
/// averaged over the last axis, with `p` clipped to `[1e-7, 1 − 1e-7]`; with `fromLogits`,
/// computed stably from logits. `labelSmoothing` moves targets towards ½:
/// `y(1 − ls) + ls/2`.
public struct BinaryCrossentropy: Loss, BuiltInLoss {
  /// How a batch's values become its loss (Keras's `reduction`, default
  /// ``LossReduction/sumOverBatchSize``).
  public var reduction: LossReduction
  /// Whether predictions are logits rather than probabilities.
  public var fromLogits: Bool
  /// How far targets move towards ½ (Keras default 0).
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

  /// `binary_crossentropy`.
  public var name: String { "binary_crossentropy" }
  var labels: LossLabels { .binary }
  var fusion: LossFusion? { fromLogits ? nil : .sigmoid(labelSmoothing: labelSmoothing) }

  /// Per-sample values.
  public func values(target: Tensor, prediction: Tensor) -> Tensor {
    let y = labelSmoothing > 0 ? target * (1 - labelSmoothing) + 0.5 * labelSmoothing : target
    if fromLogits {
      return Tensor.sigmoidCrossEntropy(logits: prediction, targets: y).mean(alongAxis: -1)
    }
    let p = prediction.clipped(lowerBound: lossEpsilon, upperBound: 1 - lossEpsilon)
    return -(y * p.log() + (1 - y) * (1 - p).log()).mean(alongAxis: -1)
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

extension Loss where Self == BinaryCrossentropy {
  /// Binary cross-entropy on sigmoid probabilities (Keras's defaults).
  public static var binaryCrossentropy: BinaryCrossentropy { BinaryCrossentropy() }

  /// Binary cross-entropy, from probabilities or (`fromLogits`) from logits.
  public static func binaryCrossentropy(fromLogits: Bool, labelSmoothing: Float = 0)
    -> BinaryCrossentropy
  {
    BinaryCrossentropy(fromLogits: fromLogits, labelSmoothing: labelSmoothing)
  }
}
