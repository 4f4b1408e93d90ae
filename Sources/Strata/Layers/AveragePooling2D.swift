/// Average pooling over channels-last images, Keras's `AveragePooling2D`: each `poolSize` window of each
/// channel becomes its mean (with `.same` padding, the mean of the window's real pixels, as Keras computes it).
///
/// `[batch, height, width, channels]` → `[batch, outHeight, outWidth, channels]`; `strides` default to `poolSize`.
public final class AveragePooling2D: Layer, Configurable {
  /// The layer's name in its model.
  public var name: String
  /// The input shape given with `inputShape:`, without the batch axis.
  public let declaredInputShape: [Int]?
  let window: PoolingWindow
  private var built = false

  /// Creates the layer with Keras's defaults (a window of 2, strides equal to it).
  public init(
    poolSize: SpatialSize = 2, strides: SpatialSize? = nil, padding: Padding = .valid,
    inputShape: [Int]? = nil, name: String = ""
  ) {
    window = PoolingWindow(poolSize: poolSize, strides: strides, padding: padding, dimensions: 2)
    declaredInputShape = inputShape
    self.name = name
  }

  /// The window's size per spatial axis.
  public var poolSize: [Int] { window.poolSize }
  /// The steps between windows per spatial axis.
  public var strides: [Int] { window.strides }
  /// How the edges are padded (`.valid` or `.same`).
  public var padding: Padding { window.padding }
  /// No weights.
  public var weights: [Weight] { [] }
  /// Built once it has seen an input shape.
  public var isBuilt: Bool { built }

  /// Checks the shape; nothing to create.
  public func build(inputShape: [Int], generator: inout RandomGenerator) throws {
    _ = try outputShape(forInputShape: inputShape)
    built = true
  }

  /// The pooled spatial sizes, then the channels.
  public func outputShape(forInputShape inputShape: [Int]) throws -> [Int] {
    try window.outputShape(forInputShape: inputShape, layer: name, type: "AveragePooling2D")
  }

  /// The pooled input.
  public func call(_ input: Tensor, context: inout LayerContext) throws -> Tensor {
    try window.pool(input, by: .average, layer: name, type: "AveragePooling2D")
  }

  /// Keras's `pool_size`, `strides` and `padding`.
  public var configuration: Configuration { window.configuration }

  /// Rebuilds the layer; missing keys take Keras's defaults.
  public init(configuration: Configuration) throws {
    window = try PoolingWindow(configuration: configuration, dimensions: 2)
    declaredInputShape = nil
    name = ""
  }
}
