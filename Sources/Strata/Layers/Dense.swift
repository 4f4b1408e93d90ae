/// A fully connected layer: `activation(input · kernel + bias)`, Keras's `Dense`.
///
/// The kernel has shape `[inputFeatures, units]` and is created on the first input (or from
/// `inputShape:`). For inputs of rank > 2 the product is taken over the last axis.
public final class Dense: Layer, OutputActivationLayer {
  /// The layer's name in its model.
  public var name: String
  /// The number of output features.
  public let units: Int
  /// The function applied to the output.
  public let activation: ActivationFunction
  /// Whether a bias is added.
  public let useBias: Bool
  /// How the kernel is initialised (Keras default: Glorot uniform).
  public let kernelInitializer: Initializer
  /// How the bias is initialised (Keras default: zeros).
  public let biasInitializer: Initializer
  /// The kernel's penalty (Keras's `kernel_regularizer`).
  public let regularizer: Regularizer?
  /// The bias's penalty.
  public let biasRegularizer: Regularizer?
  /// The input shape given with `inputShape:` or `inputDim:`, without the batch axis.
  public let declaredInputShape: [Int]?

  /// The `[inputFeatures, units]` kernel, once built.
  public private(set) var kernel: Weight?
  /// The `[units]` bias, once built (nil without `useBias`).
  public private(set) var bias: Weight?

  /// Creates a dense layer of `units` outputs. A `units` below 1 is reported by the model,
  /// as a ``StrataError``, when it is built.
  public init(
    units: Int, inputShape: [Int]? = nil, inputDim: Int? = nil,
    activation: ActivationFunction = .linear, useBias: Bool = true,
    kernelInitializer: Initializer = .glorotUniform, biasInitializer: Initializer = .zeros,
    regularizer: Regularizer? = nil, biasRegularizer: Regularizer? = nil, name: String = ""
  ) {
    self.units = units
    self.activation = activation
    self.useBias = useBias
    self.kernelInitializer = kernelInitializer
    self.biasInitializer = biasInitializer
    self.regularizer = regularizer
    self.biasRegularizer = biasRegularizer
    self.declaredInputShape = inputShape ?? inputDim.map { [$0] }
    self.name = name
  }

  /// `[kernel, bias]`.
  public var weights: [Weight] { [kernel, bias].compactMap { $0 } }

  /// Whether the kernel exists.
  public var isBuilt: Bool { kernel != nil }

  /// Creates the kernel `[inputShape.last, units]` and the bias `[units]`.
  public func build(inputShape: [Int], generator: inout RandomGenerator) throws {
    _ = try outputShape(forInputShape: inputShape)
    let features = inputShape[inputShape.count - 1]
    kernel = Weight(
      name: "kernel", value: kernelInitializer([features, units], generator: &generator),
      regularizer: regularizer)
    if useBias {
      bias = Weight(
        name: "bias", value: biasInitializer([units], generator: &generator),
        regularizer: biasRegularizer)
    }
  }

  /// The input shape with its last axis replaced by `units`.
  public func outputShape(forInputShape inputShape: [Int]) throws -> [Int] {
    guard units > 0 else {
      throw StrataError(
        .invalidArgument,
        "Layer '\(name)' (Dense): received an invalid value for `units`, expected a positive integer. Received: units=\(units)"
      )
    }
    guard let features = inputShape.last, features > 0 else {
      throw StrataError(
        .shapeMismatch,
        "Layer '\(name)' (Dense) expects inputs with at least 2 axes (batch, features), received input shape \(batchShapeText(inputShape))"
      )
    }
    if let kernel, kernel.shape[0] != features {
      throw StrataError(
        .shapeMismatch,
        "Input 0 of layer '\(name)' (Dense) is incompatible with the layer: expected axis -1 of input shape to have value \(kernel.shape[0]), but received input with shape \(batchShapeText(inputShape))"
      )
    }
    return Array(inputShape.dropLast()) + [units]
  }

  /// `activation(input · kernel + bias)`, in one fused op for rank-2 inputs.
  public func call(_ input: Tensor, context: inout LayerContext) -> Tensor {
    if let elementwise = activation.elementwise {
      return affine(input, context: &context, fusing: elementwise)
    }
    return activation(affine(input, context: &context, fusing: .linear))
  }

  /// The output before the activation (the logits of a softmax or sigmoid layer).
  func callBeforeActivation(_ input: Tensor, context: inout LayerContext) -> Tensor {
    affine(input, context: &context, fusing: .linear)
  }

  /// The activation applied last.
  var outputActivation: ActivationFunction { activation }

  private func affine(
    _ input: Tensor, context: inout LayerContext, fusing activation: ElementwiseActivation
  ) -> Tensor {
    guard let kernel else {
      preconditionFailure("Dense layer '\(name)' called before it was built")
    }
    let w = context[kernel]
    let b = bias.map { context[$0] }
    if input.rank == 2 {
      return input.dense(kernel: w, bias: b, activation: activation)
    }
    let leading = Array(input.shape.dropLast())
    let flat = input.reshaped(to: [-1, input.shape[input.rank - 1]])
    return flat.dense(kernel: w, bias: b, activation: activation).reshaped(to: leading + [units])
  }
}

/// `(None, 28, 28)`: a shape shown with its batch axis, as Keras prints shapes.
func batchShapeText(_ shape: [Int]) -> String {
  "(" + (["None"] + shape.map(String.init)).joined(separator: ", ") + (shape.isEmpty ? ",)" : ")")
}
