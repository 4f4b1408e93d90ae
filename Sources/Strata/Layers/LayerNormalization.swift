/// Normalises each sample over its last axis, Keras's `LayerNormalization`:
/// `(x − mean) / √(variance + epsilon) · gamma + beta`, with the (biased) mean and variance
/// of each sample's features — no moving statistics, the same in training and inference.
public final class LayerNormalization: MaskAwareLayer, Configurable {
  /// The layer's name in its model.
  public var name: String
  /// Added to the variance (Keras default 1e-3).
  public let epsilon: Float
  /// Whether `beta` is added.
  public let center: Bool
  /// Whether `gamma` multiplies.
  public let scale: Bool
  /// How `beta` is initialised (zeros).
  public let betaInitializer: Initializer
  /// How `gamma` is initialised (ones).
  public let gammaInitializer: Initializer
  /// `beta`'s penalty.
  public let betaRegularizer: Regularizer?
  /// `gamma`'s penalty.
  public let gammaRegularizer: Regularizer?
  /// The input shape given with `inputShape:`, without the batch axis.
  public let declaredInputShape: [Int]?

  /// The `[features]` scale, once built (nil without `scale`).
  public private(set) var gamma: Weight?
  /// The `[features]` offset, once built (nil without `center`).
  public private(set) var beta: Weight?
  private var built = false

  /// Creates the layer with Keras's defaults.
  public init(
    epsilon: Float = 1e-3, center: Bool = true, scale: Bool = true,
    betaInitializer: Initializer = .zeros, gammaInitializer: Initializer = .ones,
    betaRegularizer: Regularizer? = nil, gammaRegularizer: Regularizer? = nil,
    inputShape: [Int]? = nil, name: String = ""
  ) {
    self.epsilon = epsilon
    self.center = center
    self.scale = scale
    self.betaInitializer = betaInitializer
    self.gammaInitializer = gammaInitializer
    self.betaRegularizer = betaRegularizer
    self.gammaRegularizer = gammaRegularizer
    self.declaredInputShape = inputShape
    self.name = name
  }

  /// `[gamma, beta]`, as Keras orders them.
  public var weights: [Weight] { [gamma, beta].compactMap { $0 } }
  /// Whether `build` has run.
  public var isBuilt: Bool { built }

  /// Creates `gamma` and `beta` of the last axis's size.
  public func build(inputShape: [Int], generator: inout RandomGenerator) throws {
    _ = try outputShape(forInputShape: inputShape)
    let features = inputShape[inputShape.count - 1]
    if scale {
      gamma = Weight(
        name: "gamma", value: try gammaInitializer([features], generator: &generator),
        regularizer: gammaRegularizer)
    }
    if center {
      beta = Weight(
        name: "beta", value: try betaInitializer([features], generator: &generator),
        regularizer: betaRegularizer)
    }
    built = true
  }

  /// The input shape, unchanged.
  public func outputShape(forInputShape inputShape: [Int]) throws -> [Int] {
    guard epsilon >= 0, let features = inputShape.last, features > 0 else {
      throw StrataError(
        .shapeMismatch,
        "Layer '\(name)' (LayerNormalization) expects inputs with a feature axis and a non-negative epsilon, received input shape \(batchShapeText(inputShape)) and epsilon \(epsilon)"
      )
    }
    if let existing = (gamma ?? beta)?.shape[0], existing != features {
      throw StrataError(
        .shapeMismatch,
        "Input 0 of layer '\(name)' (LayerNormalization) is incompatible with the layer: expected axis -1 of input shape to have value \(existing), but received input with shape \(batchShapeText(inputShape))"
      )
    }
    return inputShape
  }

  /// `gamma: [features]` and `beta: [features]`.
  public func weightShapes(forInputShape inputShape: [Int]) throws -> [String: [Int]]? {
    _ = try outputShape(forInputShape: inputShape)
    let features = [inputShape[inputShape.count - 1]]
    var shapes: [String: [Int]] = [:]
    if scale { shapes["gamma"] = features }
    if center { shapes["beta"] = features }
    return shapes
  }

  /// The normalised input.
  public func call(_ input: Tensor, context: inout LayerContext) throws -> Tensor {
    guard built else { throw unbuiltLayerError(self) }
    _ = try outputShape(forInputShape: Array(input.shape.dropFirst()))
    let mean = input.mean(alongAxis: -1, keepingDims: true)
    let centered = input - mean
    let variance = centered.square().mean(alongAxis: -1, keepingDims: true)
    var output = centered / (variance + epsilon).sqrt()
    if let gamma { output = output * context[gamma] }
    if let beta { output = output + context[beta] }
    return output
  }
}

extension LayerNormalization {
  /// Keras's `axis` (always -1 here), `epsilon`, `center`, `scale`, the initializers and
  /// regularizers.
  public var configuration: Configuration {
    [
      "axis": -1, "epsilon": epsilon, "center": center, "scale": scale,
      "beta_initializer": betaInitializer, "gamma_initializer": gammaInitializer,
      "beta_regularizer": betaRegularizer, "gamma_regularizer": gammaRegularizer,
    ]
  }

  /// Rebuilds the layer; only `axis: -1` (the last axis) is supported.
  public convenience init(configuration: Configuration) throws {
    let axis: Int = try configuration.value("axis", default: -1)
    guard axis == -1 else {
      throw StrataError(
        .invalidArgument,
        "LayerNormalization in Strata normalises over the last axis only (axis -1), the configuration asks for axis \(axis)"
      )
    }
    self.init(
      epsilon: try configuration.value("epsilon", default: 1e-3),
      center: try configuration.value("center", default: true),
      scale: try configuration.value("scale", default: true),
      betaInitializer: try configuration.value("beta_initializer", default: .zeros),
      gammaInitializer: try configuration.value("gamma_initializer", default: .ones),
      betaRegularizer: try configuration.value("beta_regularizer"),
      gammaRegularizer: try configuration.value("gamma_regularizer"))
  }
}
