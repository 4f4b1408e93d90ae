/// Applies one layer to every time step, Keras's `TimeDistributed`: `[batch, steps, …]` is
/// folded to `[batch·steps, …]`, run through `layer` (one set of weights for all steps) and
/// unfolded to `[batch, steps, …]`.
///
/// ```swift
/// LSTM(units: 64, returnSequences: true)
/// TimeDistributed(Dense(units: vocabulary, activation: .softmax))
/// ```
public final class TimeDistributed: MaskAwareLayer, Configurable {
  /// The layer's name in its model.
  public var name: String
  /// The layer applied to each step.
  public let layer: any Layer & Configurable
  /// The input shape given with `inputShape:`, without the batch axis.
  public let declaredInputShape: [Int]?

  /// Wraps `layer`.
  public init(_ layer: any Layer & Configurable, inputShape: [Int]? = nil, name: String = "") {
    self.layer = layer
    self.declaredInputShape = inputShape
    self.name = name
  }

  /// The wrapped layer's weights.
  public var weights: [Weight] { layer.weights }
  /// Whether the wrapped layer is built.
  public var isBuilt: Bool { layer.isBuilt }

  /// Builds the wrapped layer for one time step's shape.
  public func build(inputShape: [Int], generator: inout RandomGenerator) throws {
    _ = try outputShape(forInputShape: inputShape)
    if layer.name.isEmpty { layer.name = layer.baseName }
    try layer.build(inputShape: Array(inputShape.dropFirst()), generator: &generator)
  }

  /// `[steps] + layer's output shape for one step`.
  public func outputShape(forInputShape inputShape: [Int]) throws -> [Int] {
    guard inputShape.count >= 2 else {
      throw StrataError(
        .shapeMismatch,
        "Layer '\(name)' (TimeDistributed) expects inputs with at least 3 axes (batch, steps, …), received input shape \(batchShapeText(inputShape))"
      )
    }
    return [inputShape[0]] + (try layer.outputShape(forInputShape: Array(inputShape.dropFirst())))
  }

  /// The wrapped layer's weight shapes for one step's shape.
  public func weightShapes(forInputShape inputShape: [Int]) throws -> [String: [Int]]? {
    _ = try outputShape(forInputShape: inputShape)
    return try layer.weightShapes(forInputShape: Array(inputShape.dropFirst()))
  }

  /// The layer on every step at once; the time-step mask passes through.
  public func call(_ input: Tensor, context: inout LayerContext) throws -> Tensor {
    guard isBuilt else { throw unbuiltLayerError(self) }
    let outputShape = try outputShape(forInputShape: Array(input.shape.dropFirst()))
    let (batch, steps) = (input.shape[0], input.shape[1])
    let mask = context.mask
    let folded = input.reshaped(to: [batch * steps] + Array(input.shape.dropFirst(2)))
    let output = try layer.call(folded, context: &context)
    context.mask = mask
    return output.reshaped(to: [batch] + outputShape)
  }
}

extension TimeDistributed {
  /// Keras's `layer`.
  public var configuration: Configuration { ["layer": Registry.reference(to: layer)] }

  /// Rebuilds the wrapped layer from its saved configuration.
  public convenience init(configuration: Configuration) throws {
    let layer = try Registry.instantiate(
      try configuration.value("layer", as: ConfigurationValue.self),
      as: (any Layer & Configurable).self, role: "a layer")
    self.init(layer)
  }
}
