/// Standardises each feature with statistics of the data, Keras's `Normalization`:
/// `(x − mean) / max(√variance, 1e-7)` per feature (the last axis), or its inverse with
/// `invert`.
///
/// The statistics come from `adapt(_:)` (Keras's `layer.adapt(data)`), which reads a data set
/// once, or are given as `mean:` and `variance:`. They are non-trainable weights, so a saved
/// model keeps them.
///
/// ```swift
/// let normalizer = Normalization()
/// try normalizer.adapt(trainFeatures)                  // [n, features]
/// let model = Sequential { Input(shape: [13]); normalizer; Dense(units: 1) }
/// ```
public final class Normalization: MaskAwareLayer, Configurable {
  /// The layer's name in its model.
  public var name: String
  /// Whether the layer undoes the standardisation (`mean + x · √variance`).
  public let invert: Bool
  /// Fixed statistics given at creation, if any.
  public let initialMean: [Float]?
  /// Fixed variances given at creation, if any.
  public let initialVariance: [Float]?
  /// The input shape given with `inputShape:`, without the batch axis.
  public let declaredInputShape: [Int]?

  /// The per-feature means, once built or adapted.
  public private(set) var mean: Weight?
  /// The per-feature variances, once built or adapted.
  public private(set) var variance: Weight?

  /// Keras's `backend.epsilon()`: the smallest standard deviation divided by.
  static let epsilon: Float = 1e-7

  /// Creates the layer; without `mean` and `variance`, call ``adapt(_:)`` (until then the
  /// statistics are 0 and 1).
  public init(
    mean: [Float]? = nil, variance: [Float]? = nil, invert: Bool = false,
    inputShape: [Int]? = nil, name: String = ""
  ) {
    self.initialMean = mean
    self.initialVariance = variance
    self.invert = invert
    self.declaredInputShape = inputShape
    self.name = name
  }

  /// `[mean, variance]`, both non-trainable.
  public var weights: [Weight] { [mean, variance].compactMap { $0 } }

  /// Whether the statistics exist.
  public var isBuilt: Bool { mean != nil }

  /// Creates the statistics: the given ones, or 0 and 1 until adapted.
  public func build(inputShape: [Int], generator: inout RandomGenerator) throws {
    _ = try outputShape(forInputShape: inputShape)
    let features = inputShape[inputShape.count - 1]
    let (means, variances) = (initialMean ?? [], initialVariance ?? [])
    guard
      (means.isEmpty || means.count == features)
        && (variances.isEmpty || variances.count == features),
      means.isEmpty == variances.isEmpty
    else {
      throw StrataError(
        .invalidArgument,
        "Layer '\(name)' (Normalization): `mean` and `variance` must both be given, with one value per feature (\(features)); received \(means.count) and \(variances.count) values"
      )
    }
    try setStatistics(
      mean: Tensor(means.isEmpty ? [Float](repeating: 0, count: features) : means),
      variance: Tensor(variances.isEmpty ? [Float](repeating: 1, count: features) : variances))
  }

  /// Computes the mean and (population) variance of each feature over every sample of `data`
  /// `[n, …, features]`, replacing earlier statistics.
  public func adapt(_ data: Tensor) throws {
    guard data.rank >= 2, data.shape[0] > 0, data.shape[data.rank - 1] > 0 else {
      throw StrataError(
        .invalidArgument,
        "Layer '\(name)' (Normalization): adapt(_:) needs at least one sample with features, received shape \(data.shape)"
      )
    }
    guard data.isFinite else {
      throw StrataError(
        .invalidData, "Layer '\(name)' (Normalization): adapt(_:) received NaN or infinity")
    }
    if let mean, mean.shape != [data.shape[data.rank - 1]] {
      throw StrataError(
        .shapeMismatch,
        "Layer '\(name)' (Normalization) was built for \(mean.shape[0]) features, adapt(_:) received \(data.shape[data.rank - 1])"
      )
    }
    let axes = Array(0..<(data.rank - 1))
    try setStatistics(mean: data.mean(alongAxes: axes), variance: data.variance(alongAxes: axes))
  }

  private func setStatistics(mean means: Tensor, variance variances: Tensor) throws {
    guard variances.scalars.allSatisfy({ $0 >= 0 }) else {
      throw StrataError(
        .invalidArgument,
        "Layer '\(name)' (Normalization): variances may not be negative, received \(variances.scalars)"
      )
    }
    if let mean, let variance {
      mean.value = means
      variance.value = variances
    } else {
      mean = Weight(name: "mean", value: means, isTrainable: false)
      variance = Weight(name: "variance", value: variances, isTrainable: false, isNonNegative: true)
    }
  }

  /// The input shape, unchanged.
  public func outputShape(forInputShape inputShape: [Int]) throws -> [Int] {
    guard let features = inputShape.last, features > 0 else {
      throw StrataError(
        .shapeMismatch,
        "Layer '\(name)' (Normalization) expects inputs with a feature axis, received input shape \(batchShapeText(inputShape))"
      )
    }
    if let mean, mean.shape[0] != features {
      throw StrataError(
        .shapeMismatch,
        "Input 0 of layer '\(name)' (Normalization) is incompatible with the layer: expected axis -1 of input shape to have value \(mean.shape[0]), but received input with shape \(batchShapeText(inputShape))"
      )
    }
    return inputShape
  }

  /// `mean: [features]`, `variance: [features]`.
  public func weightShapes(forInputShape inputShape: [Int]) throws -> [String: [Int]]? {
    _ = try outputShape(forInputShape: inputShape)
    let features = [inputShape[inputShape.count - 1]]
    return ["mean": features, "variance": features]
  }

  /// The standardised input (or its inverse).
  public func call(_ input: Tensor, context: inout LayerContext) throws -> Tensor {
    guard let mean, let variance else { throw unbuiltLayerError(self) }
    _ = try outputShape(forInputShape: Array(input.shape.dropFirst()))
    let scale = context[variance].sqrt().maximum(Normalization.epsilon)
    return invert ? context[mean] + input * scale : (input - context[mean]) / scale
  }
}

extension Normalization {
  /// Keras's `axis` (always -1 here), `invert`, and the `mean` and `variance` given at
  /// creation (adapted statistics are weights).
  public var configuration: Configuration {
    ["axis": -1, "invert": invert, "mean": initialMean, "variance": initialVariance]
  }

  /// Rebuilds the layer; only `axis: -1` (the last axis) is supported.
  public convenience init(configuration: Configuration) throws {
    let axis: Int = try configuration.value("axis", default: -1)
    guard axis == -1 else {
      throw StrataError(
        .invalidArgument,
        "Normalization in Strata normalises the last axis only (axis -1), the configuration asks for axis \(axis)"
      )
    }
    self.init(
      mean: try configuration.value("mean"), variance: try configuration.value("variance"),
      invert: try configuration.value("invert", default: false))
  }
}
