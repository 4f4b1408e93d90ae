/// Declares the shape of a model's input (without the batch axis), Keras's `Input(shape=)`.
///
/// Placed first in a `Sequential`, it makes the model build at once. Like Keras's
/// `InputLayer`, it is not listed in `model.layers` and has no weights.
public final class Input: Layer, Configurable {
  /// The layer's name.
  public var name: String
  /// The per-sample input shape.
  public let shape: [Int]

  /// Declares inputs of `shape` (without the batch axis).
  public init(shape: [Int], name: String = "") {
    self.shape = shape
    self.name = name
  }

  /// Keras's name stem for input layers.
  public var baseName: String { "input_layer" }
  /// The declared shape.
  public var declaredInputShape: [Int]? { shape }
  /// No weights.
  public var weights: [Weight] { [] }
  /// Always built.
  public var isBuilt: Bool { true }
  /// Nothing to create.
  public func build(inputShape: [Int], generator: inout RandomGenerator) throws {}
  /// The declared shape.
  public func outputShape(forInputShape inputShape: [Int]) throws -> [Int] { inputShape }
  /// The input, unchanged.
  public func call(_ input: Tensor, context: inout LayerContext) throws -> Tensor { input }
}

extension Input {
  /// Keras's `shape`.
  public var configuration: Configuration { ["shape": shape] }

  /// Rebuilds the input declaration.
  public convenience init(configuration: Configuration) throws {
    self.init(shape: try configuration.value("shape"))
  }
}
