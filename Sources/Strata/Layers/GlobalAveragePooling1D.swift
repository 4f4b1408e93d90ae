/// The mean of each channel over the sequence (its real steps under a mask), Keras's
/// `GlobalAveragePooling1D`:
/// `[batch, steps, channels]` → `[batch, channels]` (`keepDims` keeps the spatial axes with size 1).
public final class GlobalAveragePooling1D: Layer, Configurable {
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
    GlobalPooling(dimensions: 1, reduction: .average, keepDims: keepDims)
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
    try pooling.outputShape(forInputShape: inputShape, layer: name, type: "GlobalAveragePooling1D")
  }

  /// The mean over the spatial axes.
  /// With a time-step mask (`Embedding(maskZero: true)` before it) only the real steps are
  /// averaged, `Σ m·x / Σ m`, as in Keras; the mask ends here.
  public func call(_ input: Tensor, context: inout LayerContext) throws -> Tensor {
    let pooled = try pooling.pool(input, layer: name, type: "GlobalAveragePooling1D")
    guard let mask = context.mask, input.rank == 3,
      mask.scalarCount == input.shape[0] * input.shape[1]
    else { return pooled }
    let weights = mask.reshaped(to: [input.shape[0], input.shape[1], 1])
    let sums = (input * weights).sum(alongAxis: 1, keepingDims: keepDims)
    let counts = weights.sum(alongAxis: 1, keepingDims: keepDims)
    return sums / counts
  }

  /// Keras's `keepdims`.
  public var configuration: Configuration { ["keepdims": keepDims] }

  /// Rebuilds the layer.
  public convenience init(configuration: Configuration) throws {
    self.init(keepDims: try configuration.value("keepdims", default: false))
  }
}
