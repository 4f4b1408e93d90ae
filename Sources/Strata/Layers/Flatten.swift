/// Reshapes each sample to one axis, Keras's `Flatten`: `(batch, d1, d2, …)` → `(batch, d1·d2·…)`.
/// A `(batch,)` input becomes `(batch, 1)`.
public final class Flatten: Layer, Configurable {
  /// The layer's name in its model.
  public var name: String
  /// The input shape given with `inputShape:`, without the batch axis.
  public let declaredInputShape: [Int]?
  private var built = false

  /// Creates a flatten layer, optionally declaring the model's input shape.
  public init(inputShape: [Int]? = nil, name: String = "") {
    self.declaredInputShape = inputShape
    self.name = name
  }

  /// No weights.
  public var weights: [Weight] { [] }
  /// Built once it has seen an input shape.
  public var isBuilt: Bool { built }

  /// Nothing to create.
  public func build(inputShape: [Int], generator: inout RandomGenerator) throws { built = true }

  /// `[product of the input shape]`.
  public func outputShape(forInputShape inputShape: [Int]) throws -> [Int] {
    [inputShape.reduce(1, *)]
  }

  /// The batch reshaped to `[batch, -1]`.
  public func call(_ input: Tensor, context: inout LayerContext) throws -> Tensor {
    let batch = input.shape.first ?? 1
    return input.reshaped(to: [batch, input.scalarCount / Swift.max(batch, 1)])
  }
}

extension Flatten {
  /// No arguments.
  public var configuration: Configuration { [:] }

  /// Rebuilds the layer.
  public convenience init(configuration: Configuration) {
    self.init()
  }
}
