/// Applies an activation function as a layer of its own, Keras's `Activation`:
/// `Dense(units: 512); BatchNormalization(); Activation(.relu)`.
public final class Activation: Layer, OutputActivationLayer, MaskAwareLayer, Configurable {
  /// The layer's name in its model.
  public var name: String
  /// The function applied.
  public let activation: ActivationFunction
  /// The input shape given with `inputShape:`, without the batch axis.
  public let declaredInputShape: [Int]?
  private var built = false

  /// Creates an activation layer.
  public init(_ activation: ActivationFunction, inputShape: [Int]? = nil, name: String = "") {
    self.activation = activation
    self.declaredInputShape = inputShape
    self.name = name
  }

  /// No weights.
  public var weights: [Weight] { [] }
  /// Built once it has seen an input shape.
  public var isBuilt: Bool { built }

  /// Nothing to create.
  public func build(inputShape: [Int], generator: inout RandomGenerator) throws { built = true }

  /// The input shape, unchanged.
  public func outputShape(forInputShape inputShape: [Int]) throws -> [Int] { inputShape }

  /// `activation(input)`.
  public func call(_ input: Tensor, context: inout LayerContext) throws -> Tensor {
    activation(input)
  }

  /// The input itself: the activation is all this layer does.
  func callBeforeActivation(_ input: Tensor, context: inout LayerContext) throws -> Tensor {
    input
  }

  /// The activation applied.
  var outputActivation: ActivationFunction { activation }
}

extension Activation {
  /// Keras's `activation`.
  public var configuration: Configuration { ["activation": activation] }

  /// Rebuilds the layer.
  public convenience init(configuration: Configuration) throws {
    self.init(try configuration.value("activation"))
  }
}
