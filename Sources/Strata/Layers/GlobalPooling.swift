/// What a global pooling layer does: reduce every spatial axis by its mean or maximum, shared
/// by GlobalAveragePooling1D/2D and GlobalMaxPooling1D/2D.
struct GlobalPooling: Sendable {
  /// 1 for sequences `[steps, channels]`, 2 for images `[height, width, channels]`.
  let dimensions: Int
  /// The reduction over the spatial axes.
  let reduction: PoolingWindow.Reduction
  /// Whether the spatial axes stay, with size 1 (Keras's `keepdims`).
  let keepDims: Bool

  /// `[channels]`, or `[1, 1, channels]` with `keepDims`.
  func outputShape(forInputShape inputShape: [Int], layer: String, type: String) throws -> [Int] {
    let channels = try imageChannels(inputShape, rank: dimensions + 1, layer: layer, type: type)
    return (keepDims ? [Int](repeating: 1, count: dimensions) : []) + [channels]
  }

  /// The mean or maximum over the spatial axes.
  func pool(_ input: Tensor, layer: String, type: String) throws -> Tensor {
    _ = try outputShape(forInputShape: Array(input.shape.dropFirst()), layer: layer, type: type)
    let axes = Array(1...dimensions)
    return reduction == .max
      ? input.max(alongAxes: axes, keepingDims: keepDims)
      : input.mean(alongAxes: axes, keepingDims: keepDims)
  }
}
