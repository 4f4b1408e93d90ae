/// A 2-D convolution over channels-last images, Keras's `Conv2D`:
/// `activation(conv(input, kernel) + bias)`.
///
/// Inputs are `[batch, height, width, channels]`; the kernel is `[kh, kw, channels / groups,
/// filters]`, as Keras stores it, so weights move between the two unchanged. The output is
/// `[batch, outHeight, outWidth, filters]`, with Keras's sizes for `padding` (``Padding``).
/// Sizes are written `3` or `[3, 3]` alike.
///
/// ```swift
/// Conv2D(filters: 32, kernelSize: 3, activation: .relu)
/// Conv2D(filters: 64, kernelSize: [3, 3], strides: 2, padding: .same)
/// ```
public final class Conv2D: Layer, Configurable {
  /// The layer's name in its model.
  public var name: String
  /// The number of output channels.
  public let filters: Int
  /// The kernel's height and width.
  public let kernelSize: [Int]
  /// The steps between windows, down and across.
  public let strides: [Int]
  /// How the edges are padded (`.valid` or `.same`).
  public let padding: Padding
  /// The spacing of the kernel's taps, down and across.
  public let dilationRate: [Int]
  /// Channel groups, each convolved with its own share of the filters (1: all channels).
  public let groups: Int
  /// The function applied to the output.
  public let activation: ActivationFunction
  /// Whether a bias is added.
  public let useBias: Bool
  /// How the kernel is initialised (Keras default: Glorot uniform, fans over the window).
  public let kernelInitializer: Initializer
  /// How the bias is initialised (Keras default: zeros).
  public let biasInitializer: Initializer
  /// The kernel's penalty (Keras's `kernel_regularizer`).
  public let regularizer: Regularizer?
  /// The bias's penalty.
  public let biasRegularizer: Regularizer?
  /// The kernel's projection after each update (Keras's `kernel_constraint`).
  public let kernelConstraint: Constraint?
  /// The bias's projection after each update (Keras's `bias_constraint`).
  public let biasConstraint: Constraint?
  /// The input shape given with `inputShape:`, without the batch axis.
  public let declaredInputShape: [Int]?

  /// The `[kh, kw, channels / groups, filters]` kernel, once built.
  public private(set) var kernel: Weight?
  /// The `[filters]` bias, once built (nil without `useBias`).
  public private(set) var bias: Weight?

  /// Creates a 2-D convolution with Keras's defaults. Invalid arguments are reported by the
  /// model, as a ``StrataError``, when it is built.
  public init(
    filters: Int, kernelSize: SpatialSize, strides: SpatialSize = 1, padding: Padding = .valid,
    dilationRate: SpatialSize = 1, groups: Int = 1, activation: ActivationFunction = .linear,
    useBias: Bool = true, kernelInitializer: Initializer = .glorotUniform,
    biasInitializer: Initializer = .zeros, regularizer: Regularizer? = nil,
    biasRegularizer: Regularizer? = nil, kernelConstraint: Constraint? = nil,
    biasConstraint: Constraint? = nil, inputShape: [Int]? = nil, name: String = ""
  ) {
    self.filters = filters
    self.kernelSize = kernelSize.resolved(2)
    self.strides = strides.resolved(2)
    self.padding = padding
    self.dilationRate = dilationRate.resolved(2)
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

  /// The geometry of the kernel over inputs `[height, width, channels]`, after checking the
  /// arguments and the input against each other.
  func geometry(forInputShape inputShape: [Int]) throws -> WindowGeometry {
    try checkConvolutionArguments(
      filters: filters, groups: groups, padding: padding, allowsCausal: false,
      strides: strides, dilationRate: dilationRate, layer: name, type: "Conv2D")
    try checkSpatial(kernelSize, count: 2, argument: "kernelSize", layer: name, type: "Conv2D")
    let channels = try imageChannels(inputShape, rank: 3, layer: name, type: "Conv2D")
    try checkGroups(channels: channels, groups: groups, layer: name, type: "Conv2D")
    if let kernel, kernel.shape[2] * groups != channels {
      throw StrataError(
        .shapeMismatch,
        "Input 0 of layer '\(name)' (Conv2D) is incompatible with the layer: expected axis -1 of input shape to have value \(kernel.shape[2] * groups), but received input with shape \(batchShapeText(inputShape))"
      )
    }
    return try fittedGeometry(
      inputShape: inputShape, window: kernelSize, strides: strides, dilation: dilationRate,
      padding: padding, what: "kernel", layer: name, type: "Conv2D")
  }

  /// `[outHeight, outWidth, filters]`.
  public func outputShape(forInputShape inputShape: [Int]) throws -> [Int] {
    try geometry(forInputShape: inputShape).outputSize + [filters]
  }

  /// `kernel: [kh, kw, channels / groups, filters]`, `bias: [filters]`.
  public func weightShapes(forInputShape inputShape: [Int]) throws -> [String: [Int]]? {
    _ = try geometry(forInputShape: inputShape)
    let shape = kernelSize + [inputShape[2] / groups, filters]
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

  /// `activation(conv(input, kernel) + bias)`, the bias and an elementwise activation fused
  /// into the convolution's product.
  public func call(_ input: Tensor, context: inout LayerContext) throws -> Tensor {
    guard let kernel else { throw unbuiltLayerError(self) }
    _ = try geometry(forInputShape: Array(input.shape.dropFirst()))
    let fused = activation.elementwise ?? .linear
    let output = input.convolved2D(
      kernel: context[kernel], bias: bias.map { context[$0] }, strides: strides,
      padding: padding, dilation: dilationRate, groups: groups, activation: fused)
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
