/// Batch normalization over the last axis, Keras's `BatchNormalization`.
///
/// Training: normalise with the batch's mean and biased variance, and move the running
/// statistics: `moving = moving · momentum + batch · (1 − momentum)`. Inference: normalise
/// with the moving statistics. Output: `γ · (x − μ) / √(σ² + ε) + β`.
public final class BatchNormalization: Layer, Configurable {
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
    momentum: Float = 0.99, epsilon: Float = 0.001, center: Bool = true, scale: Bool = true,
    inputShape: [Int]? = nil, name: String = ""
  ) {
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

  /// Creates the four `[features]` weights.
  public func build(inputShape: [Int], generator: inout RandomGenerator) throws {
    _ = try outputShape(forInputShape: inputShape)
    let features = inputShape[inputShape.count - 1]
    if scale { gamma = Weight(name: "gamma", value: Tensor.ones([features])) }
    if center { beta = Weight(name: "beta", value: Tensor.zeros([features])) }
    movingMean = Weight(name: "moving_mean", value: Tensor.zeros([features]), isTrainable: false)
    movingVariance = Weight(
      name: "moving_variance", value: Tensor.ones([features]), isTrainable: false,
      isNonNegative: true)
  }

  /// The input shape, unchanged.
  public func outputShape(forInputShape inputShape: [Int]) throws -> [Int] {
    guard epsilon > 0, momentum >= 0, momentum <= 1 else {
      throw StrataError(
        .invalidArgument,
        "Layer '\(name)' (BatchNormalization): expected epsilon > 0 and momentum in [0, 1]. Received: epsilon=\(epsilon), momentum=\(momentum)"
      )
    }
    guard let features = inputShape.last, features > 0 else {
      throw StrataError(
        .shapeMismatch,
        "Layer '\(name)' (BatchNormalization) expects inputs with a feature axis, received input shape \(batchShapeText(inputShape))"
      )
    }
    if let movingMean, movingMean.shape[0] != features {
      throw StrataError(
        .shapeMismatch,
        "Input 0 of layer '\(name)' (BatchNormalization) is incompatible with the layer: expected axis -1 of input shape to have value \(movingMean.shape[0]), but received input with shape \(batchShapeText(inputShape))"
      )
    }
    return inputShape
  }

  /// `gamma` and `beta` (when used), `moving_mean` and `moving_variance`, each `[features]`.
  public func weightShapes(forInputShape inputShape: [Int]) throws -> [String: [Int]]? {
    let features = try outputShape(forInputShape: inputShape)[inputShape.count - 1]
    var shapes = ["moving_mean": [features], "moving_variance": [features]]
    if scale { shapes["gamma"] = [features] }
    if center { shapes["beta"] = [features] }
    return shapes
  }

  /// Normalises with batch statistics in training, moving statistics in inference.
  public func call(_ input: Tensor, context: inout LayerContext) throws -> Tensor {
    guard let movingMean, let movingVariance else { throw unbuiltLayerError(self) }
    guard input.rank >= 2, input.shape[input.rank - 1] == movingMean.shape[0] else {
      throw StrataError(
        .shapeMismatch,
        "Input 0 of layer '\(name)' (BatchNormalization) is incompatible with the layer: expected axis -1 of input shape to have value \(movingMean.shape[0]), but received input with shape \(input.shape)"
      )
    }
    let g = gamma.map { context[$0] }
    let b = beta.map { context[$0] }
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
  /// Keras's `momentum`, `epsilon`, `center` and `scale`.
  public var configuration: Configuration {
    ["momentum": momentum, "epsilon": epsilon, "center": center, "scale": scale]
  }

  /// Rebuilds the layer; missing keys take Keras's defaults.
  public convenience init(configuration: Configuration) throws {
    self.init(
      momentum: try configuration.value("momentum", default: 0.99),
      epsilon: try configuration.value("epsilon", default: 0.001),
      center: try configuration.value("center", default: true),
      scale: try configuration.value("scale", default: true))
  }
}
