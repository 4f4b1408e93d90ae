/// A fully connected layer: `activation(input · kernel + bias)`, Keras's `Dense`.
///
/// The kernel has shape `[inputFeatures, units]` and is created on the first input (or from
/// `inputShape:`). For inputs of rank > 2 the product is taken over the last axis.
public final class Dense: Layer, OutputActivationLayer, MaskAwareLayer, Configurable {
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
  /// A penalty of the layer's output (after the activation), Keras's `activity_regularizer`:
  /// added to the loss divided by the batch size.
  public let activityRegularizer: Regularizer?
  /// The kernel's projection after each update (Keras's `kernel_constraint`).
  public let kernelConstraint: Constraint?
  /// The bias's projection after each update (Keras's `bias_constraint`).
  public let biasConstraint: Constraint?
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
    regularizer: Regularizer? = nil, biasRegularizer: Regularizer? = nil,
    activityRegularizer: Regularizer? = nil, kernelConstraint: Constraint? = nil,
    biasConstraint: Constraint? = nil, name: String = ""
  ) {
    self.activityRegularizer = activityRegularizer
    self.units = units
    self.kernelConstraint = kernelConstraint
    self.biasConstraint = biasConstraint
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
    let kernelValue = try kernelInitializer([features, units], generator: &generator)
    let biasValue = useBias ? try biasInitializer([units], generator: &generator) : nil
    kernel = Weight(
      name: "kernel", value: kernelValue, regularizer: regularizer, constraint: kernelConstraint)
    bias = biasValue.map {
      Weight(name: "bias", value: $0, regularizer: biasRegularizer, constraint: biasConstraint)
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

  /// `kernel: [inputShape.last, units]` and `bias: [units]`.
  public func weightShapes(forInputShape inputShape: [Int]) throws -> [String: [Int]]? {
    _ = try outputShape(forInputShape: inputShape)
    let features = inputShape[inputShape.count - 1]
    return useBias
      ? ["kernel": [features, units], "bias": [units]] : ["kernel": [features, units]]
  }

  /// `activation(input · kernel + bias)`, in one fused op for rank-2 inputs.
  public func call(_ input: Tensor, context: inout LayerContext) throws -> Tensor {
    let output: Tensor
    if let elementwise = activation.elementwise {
      output = try affine(input, context: &context, fusing: elementwise)
    } else {
      output = activation(try affine(input, context: &context, fusing: .linear))
    }
    if let activityRegularizer {
      context.addActivityPenalty(of: output, regularizer: activityRegularizer)
    }
    return output
  }

  /// The output before the activation (the logits of a softmax or sigmoid layer); an
  /// activity penalty is still taken of the activated output.
  func callBeforeActivation(_ input: Tensor, context: inout LayerContext) throws -> Tensor {
    let logits = try affine(input, context: &context, fusing: .linear)
    if let activityRegularizer {
      context.addActivityPenalty(of: activation(logits), regularizer: activityRegularizer)
    }
    return logits
  }

  /// The activation applied last.
  var outputActivation: ActivationFunction { activation }

  private func affine(
    _ input: Tensor, context: inout LayerContext, fusing activation: ElementwiseActivation
  ) throws -> Tensor {
    guard let kernel else { throw unbuiltLayerError(self) }
    guard input.rank >= 2, input.shape[input.rank - 1] == kernel.shape[0] else {
      throw StrataError(
        .shapeMismatch,
        "Input 0 of layer '\(name)' (Dense) is incompatible with the layer: expected axis -1 of input shape to have value \(kernel.shape[0]), but received input with shape \(input.shape)"
      )
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

extension Dense {
  /// Keras's `units`, `activation`, `use_bias`, `kernel_initializer`, `bias_initializer`,
  /// `kernel_regularizer`, `bias_regularizer`, `kernel_constraint` and `bias_constraint`.
  public var configuration: Configuration {
    [
      "units": units, "activation": activation, "use_bias": useBias,
      "kernel_initializer": kernelInitializer, "bias_initializer": biasInitializer,
      "kernel_regularizer": regularizer, "bias_regularizer": biasRegularizer,
      "activity_regularizer": activityRegularizer,
      "kernel_constraint": kernelConstraint, "bias_constraint": biasConstraint,
    ]
  }

  /// Rebuilds the layer; missing keys take Keras's defaults.
  public convenience init(configuration: Configuration) throws {
    self.init(
      units: try configuration.value("units"),
      activation: try configuration.value("activation", default: .linear),
      useBias: try configuration.value("use_bias", default: true),
      kernelInitializer: try configuration.value("kernel_initializer", default: .glorotUniform),
      biasInitializer: try configuration.value("bias_initializer", default: .zeros),
      regularizer: try configuration.value("kernel_regularizer"),
      biasRegularizer: try configuration.value("bias_regularizer"),
      activityRegularizer: try configuration.value("activity_regularizer"),
      kernelConstraint: try configuration.value("kernel_constraint"),
      biasConstraint: try configuration.value("bias_constraint"))
  }
}

/// `(None, 28, 28)`: a shape shown with its batch axis, as Keras prints shapes.
func batchShapeText(_ shape: [Int]) -> String {
  "(" + (["None"] + shape.map(String.init)).joined(separator: ", ") + (shape.isEmpty ? ",)" : ")")
}
