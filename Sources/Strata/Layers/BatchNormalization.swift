/// Batch normalization over a feature axis (the last by default), Keras's
/// `BatchNormalization`.
///
/// `axis` is the axis of the features, counted as Keras counts it, with the batch axis 0:
/// `-1` (channels-last images, dense features), `1` for channels-first images `[N, C, H, W]`.
/// The statistics are taken over every other axis, one per feature. A time-step mask
/// (`Embedding(maskZero: true)` before it) leaves the padded steps out of the batch
/// statistics in training, as Keras's `_moments` does, and passes on unchanged. Training: normalise with the batch's mean and biased variance, and move the running
/// statistics: `moving = moving · momentum + batch · (1 − momentum)`. Inference: normalise
/// with the moving statistics. Output: `γ · (x − μ) / √(σ² + ε) + β`.
public final class BatchNormalization: Layer, MaskAwareLayer, Configurable {
  /// The layer's name in its model.
  public var name: String
  /// The weight of the old moving statistics in each update (Keras: 0.99; PyTorch's 0.1 is
  /// Keras's 0.9).
  public let momentum: Float
  /// Added to the variance before the square root (Keras: 0.001).
  public let epsilon: Float
  /// Whether a learned offset `beta` is added.
  public let center: Bool
  /// Whether a learned scale `gamma` multiplies.
  public let scale: Bool
  /// The feature axis, with the batch axis 0 (Keras default −1).
  public let axis: Int
  /// How `beta` starts (Keras default zeros).
  public let betaInitializer: Initializer
  /// How `gamma` starts (Keras default ones).
  public let gammaInitializer: Initializer
  /// How the moving mean starts (Keras default zeros).
  public let movingMeanInitializer: Initializer
  /// How the moving variance starts (Keras default ones).
  public let movingVarianceInitializer: Initializer
  /// `beta`'s penalty (Keras's `beta_regularizer`).
  public let betaRegularizer: Regularizer?
  /// `gamma`'s penalty (Keras's `gamma_regularizer`).
  public let gammaRegularizer: Regularizer?
  /// `beta`'s projection after each update (Keras's `beta_constraint`).
  public let betaConstraint: Constraint?
  /// `gamma`'s projection after each update (Keras's `gamma_constraint`).
  public let gammaConstraint: Constraint?
  /// The input shape given with `inputShape:`, without the batch axis.
  public let declaredInputShape: [Int]?

  /// The learned scale (trainable), once built.
  public private(set) var gamma: Weight?
  /// The learned offset (trainable), once built.
  public private(set) var beta: Weight?
  /// The running mean (non-trainable), once built.
  public private(set) var movingMean: Weight?
  /// The running variance (non-trainable), once built.
  public private(set) var movingVariance: Weight?

  /// Creates a batch-normalization layer with Keras's defaults.
  public init(
    axis: Int = -1, momentum: Float = 0.99, epsilon: Float = 0.001, center: Bool = true,
    scale: Bool = true, betaInitializer: Initializer = .zeros,
    gammaInitializer: Initializer = .ones, movingMeanInitializer: Initializer = .zeros,
    movingVarianceInitializer: Initializer = .ones, betaRegularizer: Regularizer? = nil,
    gammaRegularizer: Regularizer? = nil, betaConstraint: Constraint? = nil,
    gammaConstraint: Constraint? = nil, inputShape: [Int]? = nil, name: String = ""
  ) {
    self.axis = axis
    self.betaInitializer = betaInitializer
    self.gammaInitializer = gammaInitializer
    self.movingMeanInitializer = movingMeanInitializer
    self.movingVarianceInitializer = movingVarianceInitializer
    self.betaRegularizer = betaRegularizer
    self.gammaRegularizer = gammaRegularizer
    self.betaConstraint = betaConstraint
    self.gammaConstraint = gammaConstraint
    self.momentum = momentum
    self.epsilon = epsilon
    self.center = center
    self.scale = scale
    self.declaredInputShape = inputShape
    self.name = name
  }

  /// `[gamma, beta, moving_mean, moving_variance]` (Keras's order).
  public var weights: [Weight] { [gamma, beta, movingMean, movingVariance].compactMap { $0 } }
  /// Whether the statistics exist.
  public var isBuilt: Bool { movingMean != nil }

  /// Creates the four `[features]` weights, in Keras's order.
  public func build(inputShape: [Int], generator: inout RandomGenerator) throws {
    _ = try outputShape(forInputShape: inputShape)
    let features = inputShape[try featureIndex(rank: inputShape.count + 1) - 1]
    if scale {
      gamma = Weight(
        name: "gamma", value: try gammaInitializer([features], generator: &generator),
        regularizer: gammaRegularizer, constraint: gammaConstraint)
    }
    if center {
      beta = Weight(
        name: "beta", value: try betaInitializer([features], generator: &generator),
        regularizer: betaRegularizer, constraint: betaConstraint)
    }
    movingMean = Weight(
      name: "moving_mean", value: try movingMeanInitializer([features], generator: &generator),
      isTrainable: false)
    movingVariance = Weight(
      name: "moving_variance",
      value: try movingVarianceInitializer([features], generator: &generator),
      isTrainable: false, isNonNegative: true)
  }

  /// The feature axis of a `rank`-axis input (batch axis 0); throws when `axis` is the batch
  /// axis or outside the input.
  func featureIndex(rank: Int) throws -> Int {
    let index = axis < 0 ? rank + axis : axis
    guard index >= 1, index < rank else {
      throw StrataError(
        .invalidArgument,
        "Layer '\(name)' (BatchNormalization): `axis` must name a feature axis of the \(rank)-axis input (not the batch axis 0). Received: axis=\(axis)"
      )
    }
    return index
  }

  /// The input shape, unchanged.
  public func outputShape(forInputShape inputShape: [Int]) throws -> [Int] {
    guard epsilon > 0, momentum >= 0, momentum <= 1 else {
      throw StrataError(
        .invalidArgument,
        "Layer '\(name)' (BatchNormalization): expected epsilon > 0 and momentum in [0, 1]. Received: epsilon=\(epsilon), momentum=\(momentum)"
      )
    }
    guard !inputShape.isEmpty else {
      throw StrataError(
        .shapeMismatch,
        "Layer '\(name)' (BatchNormalization) expects inputs with a feature axis, received input shape \(batchShapeText(inputShape))"
      )
    }
    let features = inputShape[try featureIndex(rank: inputShape.count + 1) - 1]
    guard features > 0 else {
      throw StrataError(
        .shapeMismatch,
        "Layer '\(name)' (BatchNormalization) expects a non-empty feature axis \(axis), received input shape \(batchShapeText(inputShape))"
      )
    }
    if let movingMean, movingMean.shape[0] != features {
      throw StrataError(
        .shapeMismatch,
        "Input 0 of layer '\(name)' (BatchNormalization) is incompatible with the layer: expected axis \(axis) of input shape to have value \(movingMean.shape[0]), but received input with shape \(batchShapeText(inputShape))"
      )
    }
    return inputShape
  }

  /// `gamma` and `beta` (when used), `moving_mean` and `moving_variance`, each `[features]`.
  public func weightShapes(forInputShape inputShape: [Int]) throws -> [String: [Int]]? {
    _ = try outputShape(forInputShape: inputShape)
    let features = inputShape[try featureIndex(rank: inputShape.count + 1) - 1]
    var shapes = ["moving_mean": [features], "moving_variance": [features]]
    if scale { shapes["gamma"] = [features] }
    if center { shapes["beta"] = [features] }
    return shapes
  }

  /// Normalises with batch statistics in training, moving statistics in inference.
  public func call(_ input: Tensor, context: inout LayerContext) throws -> Tensor {
    guard let movingMean else { throw unbuiltLayerError(self) }
    let index = input.rank >= 2 ? try featureIndex(rank: input.rank) : -1
    guard index >= 0, input.shape[index] == movingMean.shape[0] else {
      throw StrataError(
        .shapeMismatch,
        "Input 0 of layer '\(name)' (BatchNormalization) is incompatible with the layer: expected axis \(axis) of input shape to have value \(movingMean.shape[0]), but received input with shape \(input.shape)"
      )
    }
    guard index != input.rank - 1 else { return try normalizeLastAxis(input, context: &context) }
    // Another feature axis: moved last, normalised, moved back.
    var order = Array(0..<input.rank)
    order.remove(at: index)
    order.append(index)
    var inverse = [Int](repeating: 0, count: order.count)
    for (position, source) in order.enumerated() { inverse[source] = position }
    return try normalizeLastAxis(input.transposed(permutation: order), context: &context)
      .transposed(permutation: inverse)
  }

  private func normalizeLastAxis(_ input: Tensor, context: inout LayerContext) throws -> Tensor {
    guard let movingMean, let movingVariance else { throw unbuiltLayerError(self) }
    let g = gamma.map { context[$0] }
    let b = beta.map { context[$0] }
    if context.isTraining, let mask = context.mask, input.rank >= 3,
      mask.scalarCount * input.shape[input.rank - 1] == input.scalarCount
    {
      return maskedTrainingOutput(
        input, mask: mask, gamma: g, beta: b, movingMean: movingMean,
        movingVariance: movingVariance, context: &context)
    }
    if context.isTraining {
      let result = input.batchNormalized(gamma: g, beta: b, epsilon: epsilon)
      let keep = momentum
      context.assign(
        context[movingMean] * keep + result.mean * (1 - keep), to: movingMean)
      context.assign(
        context[movingVariance] * keep + result.variance * (1 - keep), to: movingVariance)
      return result.output
    }
    // inv = γ / √(var + ε); y = x·inv + (β − mean·inv), as Keras computes it.
    var inverse = (context[movingVariance] + epsilon).sqrt().pow(-1)
    if let g { inverse = inverse * g }
    var offset = -(context[movingMean] * inverse)
    if let b { offset = offset + b }
    return input * inverse + offset
  }
}

extension BatchNormalization {
  /// Training with a time-step mask: Keras's masked moments, `mean = Σ m·x / (Σ m + 1e-7)` and
  /// `variance = Σ m·(x − mean)² / (Σ m + 1e-7)` per feature, then the usual normalisation of
  /// every step, `x·inv + (β − mean·inv)` with `inv = γ / √(variance + ε)`; engine ops, so the
  /// gradient flows through the statistics.
  fileprivate func maskedTrainingOutput(
    _ input: Tensor, mask: Tensor, gamma: Tensor?, beta: Tensor?, movingMean: Weight,
    movingVariance: Weight, context: inout LayerContext
  ) -> Tensor {
    let features = input.shape[input.rank - 1]
    let flat = input.reshaped(to: [-1, features])
    let weights = mask.reshaped(to: [-1, 1])
    let total = weights.sum().scalar + 1e-7
    let mean = (flat * weights).sum(alongAxis: 0) / total
    let variance = ((flat - mean) * weights).square().sum(alongAxis: 0) / total
    let keep = momentum
    context.assign(context[movingMean] * keep + mean * (1 - keep), to: movingMean)
    context.assign(context[movingVariance] * keep + variance * (1 - keep), to: movingVariance)
    var inverse = (variance + epsilon).sqrt().pow(-1)
    if let gamma { inverse = inverse * gamma }
    var offset = -(mean * inverse)
    if let beta { offset = offset + beta }
    return (flat * inverse + offset).reshaped(to: input.shape)
  }

  /// Keras's `axis`, `momentum`, `epsilon`, `center`, `scale`, initializers, regularizers and
  /// constraints.
  public var configuration: Configuration {
    [
      "axis": axis, "momentum": momentum, "epsilon": epsilon, "center": center, "scale": scale,
      "beta_initializer": betaInitializer, "gamma_initializer": gammaInitializer,
      "moving_mean_initializer": movingMeanInitializer,
      "moving_variance_initializer": movingVarianceInitializer,
      "beta_regularizer": betaRegularizer, "gamma_regularizer": gammaRegularizer,
      "beta_constraint": betaConstraint, "gamma_constraint": gammaConstraint,
    ]
  }

  /// Rebuilds the layer; missing keys take Keras's defaults. Keras writes `axis` as a list
  /// when it was given as one; a list of one axis is read too.
  public convenience init(configuration: Configuration) throws {
    var axis = -1
    if case .array(let axes)? = configuration["axis"] {
      guard axes.count == 1 else {
        throw StrataError(
          .invalidArgument,
          "BatchNormalization: Strata normalises over one feature axis. Received: axis=\(axes.count) axes"
        )
      }
      axis = try Int(configurationValue: axes[0])
    } else {
      axis = try configuration.value("axis", default: -1)
    }
    self.init(
      axis: axis,
      momentum: try configuration.value("momentum", default: 0.99),
      epsilon: try configuration.value("epsilon", default: 0.001),
      center: try configuration.value("center", default: true),
      scale: try configuration.value("scale", default: true),
      betaInitializer: try configuration.value("beta_initializer", default: .zeros),
      gammaInitializer: try configuration.value("gamma_initializer", default: .ones),
      movingMeanInitializer: try configuration.value("moving_mean_initializer", default: .zeros),
      movingVarianceInitializer: try configuration.value(
        "moving_variance_initializer", default: .ones),
      betaRegularizer: try configuration.value("beta_regularizer"),
      gammaRegularizer: try configuration.value("gamma_regularizer"),
      betaConstraint: try configuration.value("beta_constraint"),
      gammaConstraint: try configuration.value("gamma_constraint"))
  }
}
