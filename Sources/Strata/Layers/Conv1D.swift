/// A 1-D convolution over sequences, Keras's `Conv1D`: `activation(conv(input, kernel) + bias)`
/// on inputs `[batch, steps, channels]` with a kernel `[k, channels / groups, filters]`.
///
/// `padding: .causal` pads only before, so that output step `t` depends on input steps up to
/// `t` (for sequence models). It is the 2-D convolution over a one-row image.
public final class Conv1D: Layer, Configurable {
  /// The layer's name in its model.
  public var name: String
  /// The number of output channels.
  public let filters: Int
  /// The kernel's length (one entry, as Keras's `(3,)`).
  public let kernelSize: [Int]
  /// The step between windows (one entry).
  public let strides: [Int]
  /// How the ends are padded (`.valid`, `.same` or `.causal`).
  public let padding: Padding
  /// The spacing of the kernel's taps (one entry).
  public let dilationRate: [Int]
  /// Channel groups, each convolved with its own share of the filters.
  public let groups: Int
  /// The function applied to the output.
  public let activation: ActivationFunction
  /// Whether a bias is added.
  public let useBias: Bool
  /// How the kernel is initialised (Keras default: Glorot uniform).
  public let kernelInitializer: Initializer
  /// How the bias is initialised (Keras default: zeros).
  public let biasInitializer: Initializer
  /// The kernel's penalty.
  public let regularizer: Regularizer?
  /// The bias's penalty.
  public let biasRegularizer: Regularizer?
  /// The kernel's projection after each update (Keras's `kernel_constraint`).
  public let kernelConstraint: Constraint?
  /// The bias's projection after each update (Keras's `bias_constraint`).
  public let biasConstraint: Constraint?
  /// The input shape given with `inputShape:`, without the batch axis.
  public let declaredInputShape: [Int]?

  /// The `[k, channels / groups, filters]` kernel, once built.
  public private(set) var kernel: Weight?
  /// The `[filters]` bias, once built (nil without `useBias`).
  public private(set) var bias: Weight?

  /// Creates a 1-D convolution with Keras's defaults. Sizes may be written `3` or `[3]`.
  public init(
    filters: Int, kernelSize: SpatialSize, strides: SpatialSize = 1, padding: Padding = .valid,
    dilationRate: SpatialSize = 1, groups: Int = 1, activation: ActivationFunction = .linear,
    useBias: Bool = true, kernelInitializer: Initializer = .glorotUniform,
    biasInitializer: Initializer = .zeros, regularizer: Regularizer? = nil,
    biasRegularizer: Regularizer? = nil, kernelConstraint: Constraint? = nil,
    biasConstraint: Constraint? = nil, inputShape: [Int]? = nil, name: String = ""
  ) {
    self.filters = filters
    self.kernelSize = kernelSize.resolved(1)
    self.strides = strides.resolved(1)
    self.padding = padding
    self.dilationRate = dilationRate.resolved(1)
    self.groups = groups
    self.activation = activation
    self.useBias = useBias
    self.kernelInitializer = kernelInitializer
    self.biasInitializer = biasInitializer
    self.regularizer = regularizer
    self.biasRegularizer = biasRegularizer
    self.kernelConstraint = kernelConstraint
    self.biasConstraint = biasConstraint
    self.declaredInputShape = inputShape
    self.name = name
  }

  /// `[kernel, bias]`.
  public var weights: [Weight] { [kernel, bias].compactMap { $0 } }
  /// Whether the kernel exists.
  public var isBuilt: Bool { kernel != nil }

  /// The geometry over a one-row image of the sequence, after checking the arguments.
  func geometry(forInputShape inputShape: [Int]) throws -> WindowGeometry {
    try checkConvolutionArguments(
      filters: filters, groups: groups, padding: padding, allowsCausal: true,
      strides: strides, dilationRate: dilationRate, layer: name, type: "Conv1D")
    try checkSpatial(kernelSize, count: 1, argument: "kernelSize", layer: name, type: "Conv1D")
    let channels = try imageChannels(inputShape, rank: 2, layer: name, type: "Conv1D")
    try checkGroups(channels: channels, groups: groups, layer: name, type: "Conv1D")
    if let kernel, kernel.shape[1] * groups != channels {
      throw StrataError(
        .shapeMismatch,
        "Input 0 of layer '\(name)' (Conv1D) is incompatible with the layer: expected axis -1 of input shape to have value \(kernel.shape[1] * groups), but received input with shape \(batchShapeText(inputShape))"
      )
    }
    return try fittedGeometry(
      inputShape: [1, inputShape[0]], window: [1] + kernelSize, strides: [1] + strides,
      dilation: [1] + dilationRate, padding: padding, what: "kernel", layer: name, type: "Conv1D")
  }

  /// `[outSteps, filters]`.
  public func outputShape(forInputShape inputShape: [Int]) throws -> [Int] {
    [try geometry(forInputShape: inputShape).outputSize[1], filters]
  }

  /// `kernel: [k, channels / groups, filters]`, `bias: [filters]`.
  public func weightShapes(forInputShape inputShape: [Int]) throws -> [String: [Int]]? {
    _ = try geometry(forInputShape: inputShape)
    let shape = kernelSize + [inputShape[1] / groups, filters]
    return useBias ? ["kernel": shape, "bias": [filters]] : ["kernel": shape]
  }

  /// Creates the kernel and the bias.
  public func build(inputShape: [Int], generator: inout RandomGenerator) throws {
    guard let shapes = try weightShapes(forInputShape: inputShape), let shape = shapes["kernel"]
    else { return }
    let kernelValue = try kernelInitializer(shape, generator: &generator)
    let biasValue = useBias ? try biasInitializer([filters], generator: &generator) : nil
    kernel = Weight(
      name: "kernel", value: kernelValue, regularizer: regularizer, constraint: kernelConstraint)
    bias = biasValue.map {
      Weight(name: "bias", value: $0, regularizer: biasRegularizer, constraint: biasConstraint)
    }
  }

  /// The 2-D convolution of `[batch, 1, steps, channels]` with a `[1, k, …]` kernel.
  public func call(_ input: Tensor, context: inout LayerContext) throws -> Tensor {
    guard let kernel else { throw unbuiltLayerError(self) }
    let steps = try geometry(forInputShape: Array(input.shape.dropFirst())).outputSize[1]
    let fused = activation.elementwise ?? .linear
    let image = input.reshaped(to: [input.shape[0], 1, input.shape[1], input.shape[2]])
    let weights = context[kernel]
    let output = image.convolved2D(
      kernel: weights.reshaped(to: [1] + weights.shape), bias: bias.map { context[$0] },
      strides: [1] + strides, padding: padding, dilation: [1] + dilationRate, groups: groups,
      activation: fused
    ).reshaped(to: [input.shape[0], steps, filters])
    return activation.elementwise == nil ? activation(output) : output
  }

  /// Keras's `filters`, `kernel_size`, `strides`, `padding`, `dilation_rate`, `groups`,
  /// `activation`, `use_bias`, initializers and regularizers.
  public var configuration: Configuration {
    [
      "filters": filters, "kernel_size": kernelSize, "strides": strides,
      "padding": padding.rawValue, "dilation_rate": dilationRate, "groups": groups,
      "activation": activation, "use_bias": useBias, "kernel_initializer": kernelInitializer,
      "bias_initializer": biasInitializer, "kernel_regularizer": regularizer,
      "bias_regularizer": biasRegularizer, "kernel_constraint": kernelConstraint,
      "bias_constraint": biasConstraint,
    ]
  }

  /// Rebuilds the layer; missing keys take Keras's defaults.
  public convenience init(configuration: Configuration) throws {
    self.init(
      filters: try configuration.value("filters"),
      kernelSize: try configuration.value("kernel_size"),
      strides: try configuration.value("strides", default: 1),
      padding: try configuration.value("padding", default: .valid),
      dilationRate: try configuration.value("dilation_rate", default: 1),
      groups: try configuration.value("groups", default: 1),
      activation: try configuration.value("activation", default: .linear),
      useBias: try configuration.value("use_bias", default: true),
      kernelInitializer: try configuration.value("kernel_initializer", default: .glorotUniform),
      biasInitializer: try configuration.value("bias_initializer", default: .zeros),
      regularizer: try configuration.value("kernel_regularizer"),
      biasRegularizer: try configuration.value("bias_regularizer"),
      kernelConstraint: try configuration.value("kernel_constraint"),
      biasConstraint: try configuration.value("bias_constraint"))
  }
}
