/// Repeats each pixel of channels-last images `size[0]` times down and `size[1]` times across,
/// Keras's `UpSampling2D` with its default `interpolation="nearest"`.
public final class UpSampling2D: Layer, Configurable {
  /// The layer's name in its model.
  public var name: String
  /// The repeats down and across (Keras default 2).
  public let size: [Int]
  /// The input shape given with `inputShape:`, without the batch axis.
  public let declaredInputShape: [Int]?
  private var built = false

  /// Creates the layer: `UpSampling2D(size: 2)` doubles height and width.
  public init(size: SpatialSize = 2, inputShape: [Int]? = nil, name: String = "") {
    self.size = size.resolved(2)
    self.declaredInputShape = inputShape
    self.name = name
  }

  /// No weights.
  public var weights: [Weight] { [] }
  /// Built once it has seen an input shape.
  public var isBuilt: Bool { built }

  /// Checks the shape; nothing to create.
  public func build(inputShape: [Int], generator: inout RandomGenerator) throws {
    _ = try outputShape(forInputShape: inputShape)
    built = true
  }

  /// `[height · size[0], width · size[1], channels]`.
  public func outputShape(forInputShape inputShape: [Int]) throws -> [Int] {
    try checkSpatial(size, count: 2, argument: "size", layer: name, type: "UpSampling2D")
    let channels = try imageChannels(inputShape, rank: 3, layer: name, type: "UpSampling2D")
    return [inputShape[0] * size[0], inputShape[1] * size[1], channels]
  }

  /// The upsampled images.
  public func call(_ input: Tensor, context: inout LayerContext) throws -> Tensor {
    _ = try outputShape(forInputShape: Array(input.shape.dropFirst()))
    return input.upsampled2D(size: size)
  }

  /// Keras's `size` and `interpolation`.
  public var configuration: Configuration { ["size": size, "interpolation": "nearest"] }

  /// Rebuilds the layer; only nearest-neighbour interpolation is implemented.
  public convenience init(configuration: Configuration) throws {
    let interpolation: String = try configuration.value("interpolation", default: "nearest")
    guard interpolation == "nearest" else {
      throw StrataError(
        .invalidArgument,
        "UpSampling2D: interpolation '\(interpolation)' is not supported; Strata implements \"nearest\""
      )
    }
    self.init(size: try configuration.value("size", default: 2))
  }
}
