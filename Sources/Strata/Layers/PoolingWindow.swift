/// What a pooling layer knows: its window, strides and padding over one or two spatial axes,
/// and how it pools — shared by MaxPooling1D/2D and AveragePooling1D/2D.
struct PoolingWindow: Equatable, Sendable {
  /// Take each window's maximum or its mean.
  enum Reduction: Sendable { case max, average }

  /// The window's size per spatial axis.
  let poolSize: [Int]
  /// The steps between windows per spatial axis (Keras default: the pool size).
  let strides: [Int]
  /// How the edges are padded.
  let padding: Padding
  /// 1 for sequences `[steps, channels]`, 2 for images `[height, width, channels]`.
  let dimensions: Int

  init(poolSize: SpatialSize, strides: SpatialSize?, padding: Padding, dimensions: Int) {
    self.poolSize = poolSize.resolved(dimensions)
    self.strides = (strides ?? poolSize).resolved(dimensions)
    self.padding = padding
    self.dimensions = dimensions
  }

  /// Reads Keras's `pool_size`, `strides` and `padding`.
  init(configuration: Configuration, dimensions: Int) throws {
    self.init(
      poolSize: try configuration.value("pool_size", default: 2),
      strides: try configuration.value("strides"),
      padding: try configuration.value("padding", default: .valid), dimensions: dimensions)
  }

  /// Keras's `pool_size`, `strides` and `padding`.
  var configuration: Configuration {
    ["pool_size": poolSize, "strides": strides, "padding": padding.rawValue]
  }

  /// The window over `inputShape` (a sequence is pooled as a one-row image), after Keras's
  /// checks, each naming `layer` of `type`.
  func geometry(forInputShape inputShape: [Int], layer: String, type: String) throws
    -> WindowGeometry
  {
    try checkSpatial(poolSize, count: dimensions, argument: "poolSize", layer: layer, type: type)
    try checkSpatial(strides, count: dimensions, argument: "strides", layer: layer, type: type)
    guard padding != .causal else {
      throw StrataError(
        .invalidArgument, "Layer '\(layer)' (\(type)): `padding` must be .valid or .same.")
    }
    _ = try imageChannels(inputShape, rank: dimensions + 1, layer: layer, type: type)
    let lift: ([Int]) -> [Int] = { dimensions == 2 ? $0 : [1] + $0 }
    return try fittedGeometry(
      inputShape: lift(inputShape), window: lift(poolSize), strides: lift(strides),
      dilation: [1, 1], padding: padding, what: "pool", layer: layer, type: type)
  }

  /// The output shape: the pooled spatial sizes, then the channels.
  func outputShape(forInputShape inputShape: [Int], layer: String, type: String) throws -> [Int] {
    let size = try geometry(forInputShape: inputShape, layer: layer, type: type).outputSize
    return Array(size.suffix(dimensions)) + [inputShape[inputShape.count - 1]]
  }

  /// `input` pooled by `reduction`.
  func pool(_ input: Tensor, by reduction: Reduction, layer: String, type: String) throws
    -> Tensor
  {
    let output = try outputShape(
      forInputShape: Array(input.shape.dropFirst()), layer: layer, type: type)
    let lift: ([Int]) -> [Int] = { dimensions == 2 ? $0 : [1] + $0 }
    let images =
      dimensions == 2 ? input : input.reshaped(to: [input.shape[0], 1] + input.shape.dropFirst())
    let pooled =
      reduction == .max
      ? images.maxPooled2D(poolSize: lift(poolSize), strides: lift(strides), padding: padding)
      : images.averagePooled2D(poolSize: lift(poolSize), strides: lift(strides), padding: padding)
    return dimensions == 2 ? pooled : pooled.reshaped(to: [input.shape[0]] + output)
  }
}
