/// A layer that, in inference, can run together with the layer after it in one engine op,
/// giving the values the two calls give: `Conv2D` then `MaxPooling2D` become
/// `convolvedMaxPooled2D`, which never writes the convolution's output.
///
/// `Sequential` asks each layer in inference (never in training, never with a mask); the
/// answer nil means the pair does not fuse and the layers run one by one.
protocol InferenceFusing: Layer {
  /// This layer followed by `next` on `input`, or nil when the pair does not fuse.
  func callFused(_ input: Tensor, followedBy next: any Layer, context: inout LayerContext)
    throws -> Tensor?
}

extension Conv2D: InferenceFusing {
  /// Fuses a following `MaxPooling2D` when the activation is elementwise (the engine op runs
  /// the two ops one by one where its single pass does not apply). The shapes are checked as
  /// the two layers check them.
  func callFused(_ input: Tensor, followedBy next: any Layer, context: inout LayerContext)
    throws -> Tensor?
  {
    guard let pooling = next as? MaxPooling2D, let kernel,
      let elementwise = activation.elementwise
    else { return nil }
    let convolved = try outputShape(forInputShape: Array(input.shape.dropFirst()))
    _ = try pooling.outputShape(forInputShape: convolved)
    return input.convolvedMaxPooled2D(
      kernel: context[kernel], bias: bias.map { context[$0] }, strides: strides,
      padding: padding, dilation: dilationRate, groups: groups, activation: elementwise,
      poolSize: pooling.poolSize, poolStrides: pooling.strides, poolPadding: pooling.padding)
  }
}
