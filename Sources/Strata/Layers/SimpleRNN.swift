/// The Elman network, Keras's `SimpleRNN`: reads `[batch, steps, features]` and returns the
/// last state `[batch, units]` (or every step's with `returnSequences`).
///
/// Per step `h = activation(x·W + b + h₋₁·U)`, with a kernel `[features, units]`, a
/// recurrent kernel `[units, units]` and a bias `[units]`.
public final class SimpleRNN: RecurrentLayer, Configurable {
  /// The layer's name in its model.
  public var name: String
  /// The size of the state.
  public let units: Int
  /// Applied to each new state (Keras default tanh).
  public let activation: ActivationFunction
  /// Whether a bias is added.
  public let useBias: Bool
  /// How the input kernel is initialised (Glorot uniform).
  public let kernelInitializer: Initializer
  /// How the recurrent kernel is initialised (orthogonal).
  public let recurrentInitializer: Initializer
  /// How the bias is initialised (zeros).
  public let biasInitializer: Initializer
  /// The input kernel's penalty.
  public let regularizer: Regularizer?
  /// The recurrent kernel's penalty.
  public let recurrentRegularizer: Regularizer?
  /// The bias's penalty.
  public let biasRegularizer: Regularizer?
  /// How the sequence is read and returned, and dropout.
  public var options: RecurrentOptions
  /// The input shape given with `inputShape:`, without the batch axis.
  public let declaredInputShape: [Int]?

  /// The `[features, units]` input kernel, once built.
  public private(set) var kernel: Weight?
  /// The `[units, units]` recurrent kernel, once built.
  public private(set) var recurrentKernel: Weight?
  /// The `[units]` bias, once built (nil without `useBias`).
  public private(set) var bias: Weight?

  /// Creates an Elman layer with Keras's defaults.
  public init(
    units: Int, activation: ActivationFunction = .tanh, useBias: Bool = true,
    kernelInitializer: Initializer = .glorotUniform,
    recurrentInitializer: Initializer = .orthogonal, biasInitializer: Initializer = .zeros,
    regularizer: Regularizer? = nil, recurrentRegularizer: Regularizer? = nil,
    biasRegularizer: Regularizer? = nil, dropout: Float = 0, recurrentDropout: Float = 0,
    returnSequences: Bool = false, returnState: Bool = false, goBackwards: Bool = false,
    inputShape: [Int]? = nil, name: String = ""
  ) {
    self.units = units
    self.activation = activation
    self.useBias = useBias
    self.kernelInitializer = kernelInitializer
    self.recurrentInitializer = recurrentInitializer
    self.biasInitializer = biasInitializer
    self.regularizer = regularizer
    self.recurrentRegularizer = recurrentRegularizer
    self.biasRegularizer = biasRegularizer
    self.options = RecurrentOptions(
      returnSequences: returnSequences, returnState: returnState, goBackwards: goBackwards,
      dropout: dropout, recurrentDropout: recurrentDropout)
    self.declaredInputShape = inputShape
    self.name = name
  }

  /// `[kernel, recurrent_kernel, bias]`.
  public var weights: [Weight] { [kernel, recurrentKernel, bias].compactMap { $0 } }

  /// Whether the kernels exist.
  public var isBuilt: Bool { kernel != nil }

  /// Creates the kernels and the bias.
  public func build(inputShape: [Int], generator: inout RandomGenerator) throws {
    _ = try outputShape(forInputShape: inputShape)
    let kernelValue = try kernelInitializer([inputShape[1], units], generator: &generator)
    let recurrentValue = try recurrentInitializer([units, units], generator: &generator)
    let biasValue = useBias ? try biasInitializer([units], generator: &generator) : nil
    kernel = Weight(name: "kernel", value: kernelValue, regularizer: regularizer)
    recurrentKernel = Weight(
      name: "recurrent_kernel", value: recurrentValue, regularizer: recurrentRegularizer)
    bias = biasValue.map { Weight(name: "bias", value: $0, regularizer: biasRegularizer) }
  }

  /// `[units]`, or `[steps, units]` with `returnSequences`.
  public func outputShape(forInputShape inputShape: [Int]) throws -> [Int] {
    try recurrentOutputShape(inputShape, expectedFeatures: kernel?.shape[0])
  }

  /// `kernel: [features, units]`, `recurrent_kernel: [units, units]`, `bias: [units]`.
  public func weightShapes(forInputShape inputShape: [Int]) throws -> [String: [Int]]? {
    _ = try outputShape(forInputShape: inputShape)
    var shapes = ["kernel": [inputShape[1], units], "recurrent_kernel": [units, units]]
    if useBias { shapes["bias"] = [units] }
    return shapes
  }

  /// The output and the final state `[h]`.
  public func run(_ input: Tensor, mask: Tensor?, context: inout LayerContext) throws -> (
    output: Tensor, states: [Tensor]
  ) {
    guard let kernel, let recurrentKernel else { throw unbuiltLayerError(self) }
    _ = try outputShape(forInputShape: Array(input.shape.dropFirst()))
    let activation = self.activation
    let weights = RecurrentWeights(
      kernel: context[kernel], recurrentKernel: context[recurrentKernel],
      bias: bias.map { context[$0] })
    return try runRecurrence(
      input, mask: mask, weights: weights, stateCount: 1, units: units, options: options,
      layerName: name, context: &context
    ) { weights in
      let recurrent = RepeatedProduct(weight: weights.recurrentKernel)
      return RecurrentCell(kernel: weights.kernel, bias: weights.bias) {
        projection, _, droppedHidden in
        let hidden = activation(recurrent(droppedHidden, adding: projection))
        return (hidden, [hidden])
      }
    }
  }
}

extension SimpleRNN {
  /// Keras's arguments: `units`, `activation`, `use_bias`, the three initializers and
  /// regularizers, `dropout`, `recurrent_dropout`, `return_sequences`, `return_state`,
  /// `go_backwards`.
  public var configuration: Configuration {
    let configuration: Configuration = [
      "units": units, "activation": activation, "use_bias": useBias,
      "kernel_initializer": kernelInitializer, "recurrent_initializer": recurrentInitializer,
      "bias_initializer": biasInitializer, "kernel_regularizer": regularizer,
      "recurrent_regularizer": recurrentRegularizer, "bias_regularizer": biasRegularizer,
    ]
    return configuration.merging(options.configuration)
  }

  /// Rebuilds the layer; missing keys take Keras's defaults.
  public convenience init(configuration: Configuration) throws {
    let options = try RecurrentOptions(configuration: configuration)
    self.init(
      units: try configuration.value("units"),
      activation: try configuration.value("activation", default: .tanh),
      useBias: try configuration.value("use_bias", default: true),
      kernelInitializer: try configuration.value("kernel_initializer", default: .glorotUniform),
      recurrentInitializer: try configuration.value(
        "recurrent_initializer", default: .orthogonal),
      biasInitializer: try configuration.value("bias_initializer", default: .zeros),
      regularizer: try configuration.value("kernel_regularizer"),
      recurrentRegularizer: try configuration.value("recurrent_regularizer"),
      biasRegularizer: try configuration.value("bias_regularizer"))
    self.options = options
  }
}
