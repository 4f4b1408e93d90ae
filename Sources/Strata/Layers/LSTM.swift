/// Long short-term memory, Keras's `LSTM`: reads `[batch, steps, features]` and returns the
/// last hidden state `[batch, units]` (or every step's with `returnSequences`).
///
/// Per step, with gates in Keras's order i, f, c, o:
/// `z = x·W + h₋₁·U + b`, `i, f, o = σ(z_i), σ(z_f), σ(z_o)`, `c = f·c₋₁ + i·tanh(z_c)`,
/// `h = o·tanh(c)`. The kernel is `[features, 4·units]`, the recurrent kernel
/// `[units, 4·units]` and the bias `[4·units]`, stored as Keras stores them.
///
/// ```swift
/// Sequential {
///     Input(shape: [64])
///     Embedding(inputDim: 96, outputDim: 32)
///     LSTM(units: 256)
///     Dense(units: 96, activation: .softmax)
/// }
/// ```
public final class LSTM: RecurrentLayer, Configurable {
  /// The layer's name in its model.
  public var name: String
  /// The size of the hidden and cell states.
  public let units: Int
  /// Applied to the candidate and to the cell state in the output (Keras default tanh).
  public let activation: ActivationFunction
  /// Applied to the input, forget and output gates (Keras default sigmoid).
  public let recurrentActivation: ActivationFunction
  /// Whether the gates have a bias.
  public let useBias: Bool
  /// How the input kernel is initialised (Glorot uniform).
  public let kernelInitializer: Initializer
  /// How the recurrent kernel is initialised (orthogonal).
  public let recurrentInitializer: Initializer
  /// How the bias is initialised (zeros).
  public let biasInitializer: Initializer
  /// Whether the forget gate's bias starts at 1 (Keras's `unit_forget_bias`, default true).
  public let unitForgetBias: Bool
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

  /// The `[features, 4·units]` input kernel, once built.
  public private(set) var kernel: Weight?
  /// The `[units, 4·units]` recurrent kernel, once built.
  public private(set) var recurrentKernel: Weight?
  /// The `[4·units]` bias, once built (nil without `useBias`).
  public private(set) var bias: Weight?

  /// Creates an LSTM layer with Keras's defaults.
  public init(
    units: Int, activation: ActivationFunction = .tanh,
    recurrentActivation: ActivationFunction = .sigmoid, useBias: Bool = true,
    kernelInitializer: Initializer = .glorotUniform,
    recurrentInitializer: Initializer = .orthogonal, biasInitializer: Initializer = .zeros,
    unitForgetBias: Bool = true, regularizer: Regularizer? = nil,
    recurrentRegularizer: Regularizer? = nil, biasRegularizer: Regularizer? = nil,
    dropout: Float = 0, recurrentDropout: Float = 0, returnSequences: Bool = false,
    returnState: Bool = false, goBackwards: Bool = false, inputShape: [Int]? = nil,
    name: String = ""
  ) {
    self.units = units
    self.activation = activation
    self.recurrentActivation = recurrentActivation
    self.useBias = useBias
    self.kernelInitializer = kernelInitializer
    self.recurrentInitializer = recurrentInitializer
    self.biasInitializer = biasInitializer
    self.unitForgetBias = unitForgetBias
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

  /// Creates the kernels and the bias (`[0…, 1…, 0…, 0…]` with `unitForgetBias`).
  public func build(inputShape: [Int], generator: inout RandomGenerator) throws {
    _ = try outputShape(forInputShape: inputShape)
    let kernelValue = try kernelInitializer([inputShape[1], 4 * units], generator: &generator)
    let recurrentValue = try recurrentInitializer([units, 4 * units], generator: &generator)
    var biasValue: Tensor? = nil
    if useBias {
      if unitForgetBias {
        let input = try biasInitializer([units], generator: &generator)
        let rest = try biasInitializer([2 * units], generator: &generator)
        biasValue = Tensor.concatenating([input, Tensor.ones([units]), rest])
      } else {
        biasValue = try biasInitializer([4 * units], generator: &generator)
      }
    }
    kernel = Weight(name: "kernel", value: kernelValue, regularizer: regularizer)
    recurrentKernel = Weight(
      name: "recurrent_kernel", value: recurrentValue, regularizer: recurrentRegularizer)
    bias = biasValue.map { Weight(name: "bias", value: $0, regularizer: biasRegularizer) }
  }

  /// `[units]`, or `[steps, units]` with `returnSequences`.
  public func outputShape(forInputShape inputShape: [Int]) throws -> [Int] {
    try recurrentOutputShape(inputShape, expectedFeatures: kernel?.shape[0])
  }

  /// `kernel: [features, 4·units]`, `recurrent_kernel: [units, 4·units]`, `bias: [4·units]`.
  public func weightShapes(forInputShape inputShape: [Int]) throws -> [String: [Int]]? {
    _ = try outputShape(forInputShape: inputShape)
    var shapes = ["kernel": [inputShape[1], 4 * units], "recurrent_kernel": [units, 4 * units]]
    if useBias { shapes["bias"] = [4 * units] }
    return shapes
  }

  /// The output and the final states `[h, c]`.
  public func run(_ input: Tensor, mask: Tensor?, context: inout LayerContext) throws -> (
    output: Tensor, states: [Tensor]
  ) {
    guard let kernel, let recurrentKernel else { throw unbuiltLayerError(self) }
    _ = try outputShape(forInputShape: Array(input.shape.dropFirst()))
    let units = self.units
    let fused = activation.elementwise == .tanh && recurrentActivation.elementwise == .sigmoid
    let (activation, recurrentActivation) = (self.activation, self.recurrentActivation)
    let weights = RecurrentWeights(
      kernel: context[kernel], recurrentKernel: context[recurrentKernel],
      bias: bias.map { context[$0] })
    return try runRecurrence(
      input, mask: mask, weights: weights, stateCount: 2, units: units, options: options,
      layerName: name, context: &context
    ) { weights in
      let recurrent = RepeatedProduct(weight: weights.recurrentKernel)
      return RecurrentCell(kernel: weights.kernel, bias: weights.bias) {
        projection, states, droppedHidden in
        let gates = recurrent(droppedHidden, adding: projection)
        if fused {
          let step = Tensor.lstmCell(gates: gates, previousCell: states[1])
          return (step.hidden, [step.hidden, step.cell])
        }
        func gate(_ k: Int) -> Tensor { gates.slice(alongAxis: 1, from: k * units, count: units) }
        let cell =
          recurrentActivation(gate(1)) * states[1] + recurrentActivation(gate(0))
          * activation(gate(2))
        let hidden = recurrentActivation(gate(3)) * activation(cell)
        return (hidden, [hidden, cell])
      }
    }
  }
}

extension LSTM {
  /// Keras's arguments: `units`, `activation`, `recurrent_activation`, `use_bias`, the three
  /// initializers, `unit_forget_bias`, the three regularizers, `dropout`,
  /// `recurrent_dropout`, `return_sequences`, `return_state`, `go_backwards`.
  public var configuration: Configuration {
    let configuration: Configuration = [
      "units": units, "activation": activation, "recurrent_activation": recurrentActivation,
      "use_bias": useBias, "kernel_initializer": kernelInitializer,
      "recurrent_initializer": recurrentInitializer, "bias_initializer": biasInitializer,
      "unit_forget_bias": unitForgetBias, "kernel_regularizer": regularizer,
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
      recurrentActivation: try configuration.value("recurrent_activation", default: .sigmoid),
      useBias: try configuration.value("use_bias", default: true),
      kernelInitializer: try configuration.value("kernel_initializer", default: .glorotUniform),
      recurrentInitializer: try configuration.value(
        "recurrent_initializer", default: .orthogonal),
      biasInitializer: try configuration.value("bias_initializer", default: .zeros),
      unitForgetBias: try configuration.value("unit_forget_bias", default: true),
      regularizer: try configuration.value("kernel_regularizer"),
      recurrentRegularizer: try configuration.value("recurrent_regularizer"),
      biasRegularizer: try configuration.value("bias_regularizer"))
    self.options = options
  }
}
