/// Gated recurrent unit, Keras's `GRU`: reads `[batch, steps, features]` and returns the last
/// state `[batch, units]` (or every step's with `returnSequences`).
///
/// Per step, with gates in Keras's order z, r, h, `x·W + b_input` split into `x_z, x_r, x_h`
/// and `h₋₁·U + b_recurrent` into `r_z, r_r, r_h`: `z = σ(x_z + r_z)`, `r = σ(x_r + r_r)`,
/// `n = tanh(x_h + r·r_h)` and `h = z·h₋₁ + (1 − z)·n`. That is `resetAfter: true`, Keras's
/// default, with a bias `[2, 3·units]` (input row, recurrent row); with `resetAfter: false`
/// the reset gate multiplies the state before its product, `n = tanh(x_h + (r·h₋₁)·U_h)`, and
/// the bias is `[3·units]`.
public final class GRU: RecurrentLayer, Configurable {
  /// The layer's name in its model.
  public var name: String
  /// The size of the state.
  public let units: Int
  /// Applied to the candidate state (Keras default tanh).
  public let activation: ActivationFunction
  /// Applied to the update and reset gates (Keras default sigmoid).
  public let recurrentActivation: ActivationFunction
  /// Whether the gates have biases.
  public let useBias: Bool
  /// How the input kernel is initialised (Glorot uniform).
  public let kernelInitializer: Initializer
  /// How the recurrent kernel is initialised (orthogonal).
  public let recurrentInitializer: Initializer
  /// How the bias is initialised (zeros).
  public let biasInitializer: Initializer
  /// Whether the reset gate is applied after the recurrent product (Keras's `reset_after`,
  /// default true, the cuDNN form).
  public let resetAfter: Bool
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

  /// The `[features, 3·units]` input kernel, once built.
  public private(set) var kernel: Weight?
  /// The `[units, 3·units]` recurrent kernel, once built.
  public private(set) var recurrentKernel: Weight?
  /// The bias, `[2, 3·units]` with `resetAfter`, else `[3·units]` (nil without `useBias`).
  public private(set) var bias: Weight?

  /// Creates a GRU layer with Keras's defaults.
  public init(
    units: Int, activation: ActivationFunction = .tanh,
    recurrentActivation: ActivationFunction = .sigmoid, useBias: Bool = true,
    kernelInitializer: Initializer = .glorotUniform,
    recurrentInitializer: Initializer = .orthogonal, biasInitializer: Initializer = .zeros,
    resetAfter: Bool = true, regularizer: Regularizer? = nil,
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
    self.resetAfter = resetAfter
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

  private var biasShape: [Int] { resetAfter ? [2, 3 * units] : [3 * units] }

  /// Creates the kernels and the bias.
  public func build(inputShape: [Int], generator: inout RandomGenerator) throws {
    _ = try outputShape(forInputShape: inputShape)
    let kernelValue = try kernelInitializer([inputShape[1], 3 * units], generator: &generator)
    let recurrentValue = try recurrentInitializer([units, 3 * units], generator: &generator)
    let biasValue = useBias ? try biasInitializer(biasShape, generator: &generator) : nil
    kernel = Weight(name: "kernel", value: kernelValue, regularizer: regularizer)
    recurrentKernel = Weight(
      name: "recurrent_kernel", value: recurrentValue, regularizer: recurrentRegularizer)
    bias = biasValue.map { Weight(name: "bias", value: $0, regularizer: biasRegularizer) }
  }

  /// `[units]`, or `[steps, units]` with `returnSequences`.
  public func outputShape(forInputShape inputShape: [Int]) throws -> [Int] {
    try recurrentOutputShape(inputShape, expectedFeatures: kernel?.shape[0])
  }

  /// `kernel: [features, 3·units]`, `recurrent_kernel: [units, 3·units]` and the bias.
  public func weightShapes(forInputShape inputShape: [Int]) throws -> [String: [Int]]? {
    _ = try outputShape(forInputShape: inputShape)
    var shapes = ["kernel": [inputShape[1], 3 * units], "recurrent_kernel": [units, 3 * units]]
    if useBias { shapes["bias"] = biasShape }
    return shapes
  }

  /// The output and the final state `[h]`.
  public func run(_ input: Tensor, mask: Tensor?, context: inout LayerContext) throws -> (
    output: Tensor, states: [Tensor]
  ) {
    guard let kernel, let recurrentKernel else { throw unbuiltLayerError(self) }
    _ = try outputShape(forInputShape: Array(input.shape.dropFirst()))
    let (units, resetAfter) = (self.units, self.resetAfter)
    let fused =
      resetAfter && activation.elementwise == .tanh && recurrentActivation.elementwise == .sigmoid
    let (activation, recurrentActivation) = (self.activation, self.recurrentActivation)
    let weights = RecurrentWeights(
      kernel: context[kernel], recurrentKernel: context[recurrentKernel],
      bias: bias.map { context[$0] })
    return try runRecurrence(
      input, mask: mask, weights: weights, stateCount: 1, units: units, options: options,
      layerName: name, context: &context
    ) { weights in
      let (u, fullBias) = (weights.recurrentKernel, weights.bias)
      let inputBias = resetAfter ? fullBias?.rows(0..<1).reshaped(to: [3 * units]) : fullBias
      let recurrentBias = resetAfter ? fullBias?.rows(1..<2).reshaped(to: [3 * units]) : nil
      // Without reset-after, the candidate's product is taken separately, after the reset.
      let gatesProduct = RepeatedProduct(
        weight: resetAfter ? u : u.slice(alongAxis: 1, from: 0, count: 2 * units))
      let candidateProduct =
        resetAfter
        ? nil : RepeatedProduct(weight: u.slice(alongAxis: 1, from: 2 * units, count: units))
      return RecurrentCell(kernel: weights.kernel, bias: inputBias) {
        projection, states, droppedHidden in
        var inner = gatesProduct(droppedHidden)
        if let recurrentBias { inner = inner + recurrentBias }
        if fused {
          let hidden = Tensor.gruCell(
            inputProjection: projection, recurrentProjection: inner, previousHidden: states[0])
          return (hidden, [hidden])
        }
        func part(_ t: Tensor, _ k: Int) -> Tensor {
          t.slice(alongAxis: 1, from: k * units, count: units)
        }
        let z = recurrentActivation(part(projection, 0) + part(inner, 0))
        let r = recurrentActivation(part(projection, 1) + part(inner, 1))
        let recurrentCandidate =
          candidateProduct.map { $0(r * droppedHidden) } ?? r * part(inner, 2)
        let candidate = activation(part(projection, 2) + recurrentCandidate)
        let hidden = z * states[0] + (1 - z) * candidate
        return (hidden, [hidden])
      }
    }
  }
}

extension GRU {
  /// Keras's arguments: `units`, `activation`, `recurrent_activation`, `use_bias`, the three
  /// initializers, `reset_after`, the three regularizers, `dropout`, `recurrent_dropout`,
  /// `return_sequences`, `return_state`, `go_backwards`.
  public var configuration: Configuration {
    let configuration: Configuration = [
      "units": units, "activation": activation, "recurrent_activation": recurrentActivation,
      "use_bias": useBias, "kernel_initializer": kernelInitializer,
      "recurrent_initializer": recurrentInitializer, "bias_initializer": biasInitializer,
      "reset_after": resetAfter, "kernel_regularizer": regularizer,
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
      resetAfter: try configuration.value("reset_after", default: true),
      regularizer: try configuration.value("kernel_regularizer"),
      recurrentRegularizer: try configuration.value("recurrent_regularizer"),
      biasRegularizer: try configuration.value("bias_regularizer"))
    self.options = options
  }
}
