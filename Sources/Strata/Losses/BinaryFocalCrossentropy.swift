/// Binary focal cross-entropy (Lin et al. 2017), Keras's `BinaryFocalCrossentropy`: binary
/// cross-entropy scaled by `(1 − pₜ)^γ`, so that well-classified samples (`pₜ = yp + (1 − y)(1 −
/// p)` near 1) count less; with `applyClassBalancing`, also by `α` for positives and `1 − α`
/// for negatives. Averaged over the last axis. The cross-entropy clips `p` to
/// `[1e-7, 1 − 1e-7]` and, with `fromLogits`, is taken of `sigmoid(p)`, as in Keras.
public struct BinaryFocalCrossentropy: Loss, BuiltInLoss {
  /// How a batch's values become its loss (Keras's `reduction`, default
  /// ``LossReduction/sumOverBatchSize``).
  public var reduction: LossReduction
  /// Whether positives weigh `alpha` and negatives `1 − alpha` (Keras default false).
  public var applyClassBalancing: Bool
  /// The positives' weight with class balancing (Keras default 0.25).
  public var alpha: Float
  /// The focusing exponent `γ` (Keras default 2; 0 gives binary cross-entropy).
  public var gamma: Float
  /// Whether predictions are logits rather than probabilities.
  public var fromLogits: Bool
  /// How far targets move towards ½ (Keras default 0).
  public var labelSmoothing: Float

  /// Creates the loss with Keras's defaults.
  public init(
    applyClassBalancing: Bool = false, alpha: Float = 0.25, gamma: Float = 2,
    fromLogits: Bool = false, labelSmoothing: Float = 0,
    reduction: LossReduction = .sumOverBatchSize
  ) {
    self.reduction = reduction
    self.applyClassBalancing = applyClassBalancing
    self.alpha = alpha
    self.gamma = gamma
    self.fromLogits = fromLogits
    self.labelSmoothing = labelSmoothing
  }

  /// `binary_focal_crossentropy`.
  public var name: String { "binary_focal_crossentropy" }
  var labels: LossLabels { .binary }
  var fusion: LossFusion? { nil }

  /// Per-sample values.
  public func values(target: Tensor, prediction: Tensor) -> Tensor {
    let y = labelSmoothing > 0 ? target * (1 - labelSmoothing) + 0.5 * labelSmoothing : target
    let p = fromLogits ? prediction.sigmoid() : prediction
    let clipped = p.clipped(lowerBound: lossEpsilon, upperBound: 1 - lossEpsilon)
    let crossEntropy = -(y * clipped.log() + (1 - y) * (1 - clipped).log())
    let pT = y * p + (1 - y) * (1 - p)
    var focal = (1 - pT).pow(gamma) * crossEntropy
    if applyClassBalancing { focal = (y * alpha + (1 - y) * (1 - alpha)) * focal }
    return focal.mean(alongAxis: -1)
  }

  /// Keras's arguments.
  public var configuration: Configuration {
    [
      "apply_class_balancing": applyClassBalancing, "alpha": alpha, "gamma": gamma,
      "from_logits": fromLogits, "label_smoothing": labelSmoothing, "reduction": reduction,
    ]
  }

  /// Rebuilds the loss; missing keys take Keras's defaults.
  public init(configuration: Configuration) throws {
    self.init(
      applyClassBalancing: try configuration.value("apply_class_balancing", default: false),
      alpha: try configuration.value("alpha", default: 0.25),
      gamma: try configuration.value("gamma", default: 2),
      fromLogits: try configuration.value("from_logits", default: false),
      labelSmoothing: try configuration.value("label_smoothing", default: 0),
      reduction: try configuration.lossReduction())
  }
}

extension Loss where Self == BinaryFocalCrossentropy {
  /// Binary focal cross-entropy with Keras's defaults (γ = 2, no class balancing).
  public static var binaryFocalCrossentropy: BinaryFocalCrossentropy { BinaryFocalCrossentropy() }

  /// Binary focal cross-entropy with every Keras argument.
  public static func binaryFocalCrossentropy(
    applyClassBalancing: Bool = false, alpha: Float = 0.25, gamma: Float = 2,
    fromLogits: Bool = false, labelSmoothing: Float = 0
  ) -> BinaryFocalCrossentropy {
    BinaryFocalCrossentropy(
      applyClassBalancing: applyClassBalancing, alpha: alpha, gamma: gamma,
      fromLogits: fromLogits, labelSmoothing: labelSmoothing)
  }
}
