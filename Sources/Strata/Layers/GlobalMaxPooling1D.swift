/// The maximum (the gradient shared among tied maxima, as TensorFlow and JAX share it) of each channel over the whole sequence, Keras's `GlobalMaxPooling1D`:
/// `[batch, steps, channels]` → `[batch, channels]` (`keepDims` keeps the spatial axes with size 1).
public final class GlobalMaxPooling1D: Layer, Configurable {
  /// The layer's name in its model.
  public var name: String
  /// Whether the spatial axes stay, with size 1 (Keras's `keepdims`, default false).
  public let keepDims: Bool
  /// The input shape given with `inputShape:`, without the batch axis.
  public let declaredInputShape: [Int]?
  private var built = false

  /// Creates the layer.
  public init(keepDims: Bool = false, inputShape: [Int]? = nil, name: String = "") {
    self.keepDims = keepDims
    self.declaredInputShape = inputShape
    self.name = name
  }

  private var pooling: GlobalPooling {
    GlobalPooling(dimensions: 1, reduction: .max, keepDims: keepDims)
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

  /// `[channels]`, or with `keepDims` the spatial axes of size 1 before it.
  public func outputShape(forInputShape inputShape: [Int]) throws -> [Int] {
    try pooling.outputShape(forInputShape: inputShape, layer: name, type: "GlobalMaxPooling1D")
  }

  /// The maximum over the spatial axes.
  public func call(_ input: Tensor, context: inout LayerContext) throws -> Tensor {
    try pooling.pool(input, layer: name, type: "GlobalMaxPooling1D")
  }

  /// Keras's `keepdims`.
  public var configuration: Configuration { ["keepdims": keepDims] }

  /// Rebuilds the layer.
  public convenience init(configuration: Configuration) throws {
    self.init(keepDims: try configuration.value("keepdims", default: false))
  }
}
