/// The transpose of a 2-D convolution, Keras's `Conv2DTranspose`: it grows images, each input
/// pixel spreading `kernel · pixel` over a window of the output (the decoder half of a
/// convolutional autoencoder).
///
/// Inputs are `[batch, height, width, channels]`; the kernel is `[kh, kw, filters, channels]`,
/// as Keras stores it. The output is `[batch, outHeight, outWidth, filters]` with Keras's sizes:
/// `.valid` gives `(in − 1)·s + max(d(k − 1) + 1, s)`, `.same` gives `in · s`.
public final class Conv2DTranspose: Layer, Configurable {
  /// The layer's name in its model.
  public var name: String
  /// The number of output channels.
  public let filters: Int
  /// The kernel's height and width.
  public let kernelSize: [Int]
  /// The upsampling steps, down and across.
  public let strides: [Int]
  /// How the output is cropped (`.valid` or `.same`).
  public let padding: Padding
  /// The spacing of the kernel's taps.
  public let dilationRate: [Int]
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
  /// The input shape given with `inputShape:`, without the batch axis.
  public let declaredInputShape: [Int]?

  /// The `[kh, kw, filters, channels]` kernel, once built.
  public private(set) var kernel: Weight?
  /// The `[filters]` bias, once built (nil without `useBias`).
  public private(set) var bias: Weight?

  /// Creates a transposed convolution with Keras's defaults.
  public init(
    filters: Int, kernelSize: SpatialSize, strides: SpatialSize = 1, padding: Padding = .valid,
    dilationRate: SpatialSize = 1, activation: ActivationFunction = .linear, useBias: Bool = true,
    kernelInitializer: Initializer = .glorotUniform, biasInitializer: Initializer = .zeros,
    regularizer: Regularizer? = nil, biasRegularizer: Regularizer? = nil,
    inputShape: [Int]? = nil, name: String = ""
  ) {
    self.filters = filters
    self.kernelSize = kernelSize.resolved(2)
    self.strides = strides.resolved(2)
    self.padding = padding
    self.dilationRate = dilationRate.resolved(2)
    self.activation = activation
    self.useBias = useBias
    self.kernelInitializer = kernelInitializer
    self.biasInitializer = biasInitializer
    self.regularizer = regularizer
    self.biasRegularizer = biasRegularizer
    self.declaredInputShape = inputShape
    self.name = name
  }

  /// `[kernel, bias]`.
  public var weights: [Weight] { [kernel, bias].compactMap { $0 } }
  /// Whether the kernel exists.
  public var isBuilt: Bool { kernel != nil }

  /// `[outHeight, outWidth]` for inputs `[height, width, channels]`, after checking.
  func outputSize(forInputShape inputShape: [Int]) throws -> [Int] {
    try checkConvolutionArguments(
      filters: filters, groups: 1, padding: padding, allowsCausal: false, strides: strides,
      dilationRate: dilationRate, layer: name, type: "Conv2DTranspose")
    try checkSpatial(
      kernelSize, count: 2, argument: "kernelSize", layer: name, type: "Conv2DTranspose")
    let channels = try imageChannels(inputShape, rank: 3, layer: name, type: "Conv2DTranspose")
    if let kernel, kernel.shape[3] != channels {
      throw StrataError(
        .shapeMismatch,
        "Input 0 of layer '\(name)' (Conv2DTranspose) is incompatible with the layer: expected axis -1 of input shape to have value \(kernel.shape[3]), but received input with shape \(batchShapeText(inputShape))"
      )
    }
    return Tensor.transposedConvolutionGeometry(
      inputSize: Array(inputShape.prefix(2)), kernelSize: kernelSize, strides: strides,
      padding: padding, dilation: dilationRate
    ).inputSize
  }

  /// `[outHeight, outWidth, filters]`.
  public func outputShape(forInputShape inputShape: [Int]) throws -> [Int] {
    try outputSize(forInputShape: inputShape) + [filters]
  }

  /// `kernel: [kh, kw, filters, channels]`, `bias: [filters]`.
  public func weightShapes(forInputShape inputShape: [Int]) throws -> [String: [Int]]? {
    _ = try outputSize(forInputShape: inputShape)
    let shape = kernelSize + [filters, inputShape[2]]
    return useBias ? ["kernel": shape, "bias": [filters]] : ["kernel": shape]
  }

  /// Creates the kernel and the bias.
  public func build(inputShape: [Int], generator: inout RandomGenerator) throws {
    guard let shapes = try weightShapes(forInputShape: inputShape), let shape = shapes["kernel"]
    else { return }
    let kernelValue = try kernelInitializer(shape, generator: &generator)
    let biasValue = useBias ? try biasInitializer([filters], generator: &generator) : nil
    kernel = Weight(name: "kernel", value: kernelValue, regularizer: regularizer)
    bias = biasValue.map { Weight(name: "bias", value: $0, regularizer: biasRegularizer) }
  }

  /// `activation(convT(input, kernel) + bias)`.
  public func call(_ input: Tensor, context: inout LayerContext) throws -> Tensor {
    guard let kernel else { throw unbuiltLayerError(self) }
    _ = try outputSize(forInputShape: Array(input.shape.dropFirst()))
    return activation(
      input.transposedConvolved2D(
        kernel: context[kernel], bias: bias.map { context[$0] }, strides: strides,
        padding: padding, dilation: dilationRate))
  }

  /// Keras's `filters`, `kernel_size`, `strides`, `padding`, `dilation_rate`, `activation`,
  /// `use_bias`, initializers and regularizers.
  public var configuration: Configuration {
    [
      "filters": filters, "kernel_size": kernelSize, "strides": strides,
      "padding": padding.rawValue, "dilation_rate": dilationRate, "activation": activation,
      "use_bias": useBias, "kernel_initializer": kernelInitializer,
      "bias_initializer": biasInitializer, "kernel_regularizer": regularizer,
      "bias_regularizer": biasRegularizer,
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
      activation: try configuration.value("activation", default: .linear),
      useBias: try configuration.value("use_bias", default: true),
      kernelInitializer: try configuration.value("kernel_initializer", default: .glorotUniform),
      biasInitializer: try configuration.value("bias_initializer", default: .zeros),
      regularizer: try configuration.value("kernel_regularizer"),
      biasRegularizer: try configuration.value("bias_regularizer"))
  }
}
