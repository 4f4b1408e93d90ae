/// Categorical focal cross-entropy, Keras's `CategoricalFocalCrossentropy`: for one-hot (or
/// soft) targets, `Σ −α(1 − p)^γ · y log p` over the classes, with `p` the predictions
/// normalised to sum to 1 and clipped to `[1e-7, 1 − 1e-7]` (with `fromLogits`, their
/// softmax); `labelSmoothing` moves targets towards `1/classes`.
public struct CategoricalFocalCrossentropy: Loss, BuiltInLoss {
  /// How a batch's values become its loss (Keras's `reduction`, default
  /// ``LossReduction/sumOverBatchSize``).
  public var reduction: LossReduction
  /// The weight of every term (Keras default 0.25).
  public var alpha: Float
  /// The focusing exponent `γ` (Keras default 2).
  public var gamma: Float
  /// Whether predictions are logits rather than probabilities.
  public var fromLogits: Bool
  /// How far targets move towards the uniform distribution (Keras default 0).
  public var labelSmoothing: Float

  /// Creates the loss with Keras's defaults.
  public init(
    alpha: Float = 0.25, gamma: Float = 2, fromLogits: Bool = false, labelSmoothing: Float = 0,
    reduction: LossReduction = .sumOverBatchSize
  ) {
    self.reduction = reduction
    self.alpha = alpha
    self.gamma = gamma
    self.fromLogits = fromLogits
    self.labelSmoothing = labelSmoothing
  }

  /// `categorical_focal_crossentropy`.
  public var name: String { "categorical_focal_crossentropy" }
  var labels: LossLabels { .categorical }
  var fusion: LossFusion? { nil }

  /// Per-sample values.
  public func values(target: Tensor, prediction: Tensor) -> Tensor {
    let classes = Float(prediction.shape.last ?? 1)
    let y =
      labelSmoothing > 0 ? target * (1 - labelSmoothing) + labelSmoothing / classes : target
    let probabilities = fromLogits ? prediction.softmax(alongAxis: -1) : prediction
    let normalized = probabilities / probabilities.sum(alongAxis: -1, keepingDims: true)
    let p = normalized.clipped(lowerBound: lossEpsilon, upperBound: 1 - lossEpsilon)
    let focal = (1 - p).pow(gamma) * alpha * (-(y * p.log()))
    return focal.sum(alongAxis: -1)
  }

  /// Keras's arguments.
  public var configuration: Configuration {
    [
      "alpha": alpha, "gamma": gamma, "from_logits": fromLogits,
      "label_smoothing": labelSmoothing, "reduction": reduction,
    ]
  }

  /// Rebuilds the loss; missing keys take Keras's defaults.
  public init(configuration: Configuration) throws {
    self.init(
      alpha: try configuration.value("alpha", default: 0.25),
      gamma: try configuration.value("gamma", default: 2),
      fromLogits: try configuration.value("from_logits", default: false),
      labelSmoothing: try configuration.value("label_smoothing", default: 0),
      reduction: try configuration.lossReduction())
  }
}

extension Loss where Self == CategoricalFocalCrossentropy {
  /// Categorical focal cross-entropy with Keras's defaults (α = 0.25, γ = 2).
  public static var categoricalFocalCrossentropy: CategoricalFocalCrossentropy {
    CategoricalFocalCrossentropy()
  }

  /// Categorical focal cross-entropy with every Keras argument.
  public static func categoricalFocalCrossentropy(
    alpha: Float = 0.25, gamma: Float = 2, fromLogits: Bool = false, labelSmoothing: Float = 0
  ) -> CategoricalFocalCrossentropy {
    CategoricalFocalCrossentropy(
      alpha: alpha, gamma: gamma, fromLogits: fromLogits, labelSmoothing: labelSmoothing)
  }
}
