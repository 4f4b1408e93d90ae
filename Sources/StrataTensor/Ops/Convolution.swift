// 2-D convolution and its transpose on channels-last images, as compositions of im2col,
// col2im and the fused dense op: their gradients follow from those ops' own.

extension Tensor {
  /// The number of column-matrix values an untraced convolution unfolds at a time: images are
  /// taken in groups that fit, so predicting a large batch never materialises the whole
  /// column matrix.
  static let convolutionChunkValues = 1 << 22

  /// A 2-D convolution of channels-last images `[batch, height, width, channels]` with a kernel
  /// `[kh, kw, channels / groups, filters]` (Keras's layout), plus `bias` `[filters]`, then
  /// `activation`: Keras's `Conv2D`. The result is `[batch, outHeight, outWidth, filters]`.
  ///
  /// It is `im2col(x) · kernel` — the kernel reshaped to `[kh · kw · channels, filters]` — in
  /// the fused dense op; with `groups > 1` each group of channels meets its own share of the
  /// filters. The gradient follows from `im2col`'s (which is `col2im`) and the dense op's.
  public func convolved2D(
    kernel: Tensor, bias: Tensor? = nil, strides: [Int] = [1, 1], padding: Padding = .valid,
    dilation: [Int] = [1, 1], groups: Int = 1, activation: ElementwiseActivation = .linear
  ) -> Tensor {
    precondition(
      rank == 4 && kernel.rank == 4,
      "convolved2D: expects images [n, h, w, c] and a kernel [kh, kw, c, f]; got \(shape) and \(kernel.shape)"
    )
    let (channels, filters) = (shape[3], kernel.shape[3])
    precondition(
      groups >= 1 && channels % groups == 0 && filters % groups == 0
        && kernel.shape[2] * groups == channels,
      "convolved2D: \(channels) channels and kernel \(kernel.shape) do not divide into \(groups) groups"
    )
    let geometry = WindowGeometry(
      inputSize: Array(shape[1...2]), windowSize: Array(kernel.shape[0...1]), strides: strides,
      dilation: dilation, padding: padding)
    precondition(
      geometry.isValid, "convolved2D: the kernel does not fit input \(shape): \(geometry)")
    let output = geometry.outputSize
    if groups > 1 {
      let (channelsPerGroup, filtersPerGroup) = (channels / groups, filters / groups)
      let parts = (0..<groups).map { group in
        slice(alongAxis: 3, from: group * channelsPerGroup, count: channelsPerGroup).convolved2D(
          kernel: kernel.slice(alongAxis: 3, from: group * filtersPerGroup, count: filtersPerGroup),
          bias: bias?.slice(alongAxis: 0, from: group * filtersPerGroup, count: filtersPerGroup),
          strides: strides, padding: padding, dilation: dilation, groups: 1, activation: activation)
      }
      return Tensor.concatenating(parts, alongAxis: 3)
    }
    let matrix = kernel.reshaped(to: [-1, filters])
    if !isTraced && !kernel.isTraced && !(bias?.isTraced ?? false) {
      // Inference: no gradient needs the column matrix, so none is written (or, without the
      // direct kernel, only a few images' worth at a time).
      return Tensor.directConvolution(
        self, matrix: matrix, bias: bias, geometry: geometry, activation: activation)
        ?? Tensor.chunkedConvolution(
          self, matrix: matrix, bias: bias, geometry: geometry, activation: activation)
    }
    return im2col(geometry: geometry).dense(kernel: matrix, bias: bias, activation: activation)
      .reshaped(to: [shape[0], output[0], output[1], filters])
  }

  /// A 2-D convolution followed by max pooling of its output, Keras's `Conv2D` then
  /// `MaxPooling2D`: the values of
  /// `convolved2D(kernel:bias:strides:padding:dilation:groups:activation:)` then
  /// `maxPooled2D(poolSize:strides:padding:)` with `poolStrides` and `poolPadding`.
  ///
  /// In inference (nothing traced), with one group and a linear or relu activation, it is one
  /// pass that never writes the convolution's output: each image's pooled rows are made in
  /// bands whose convolution rows stay in cache, and convolution rows no window reads (the
  /// last row of an odd-sized output under a 2×2 pooling) are not computed. The values and
  /// bits are the two ops'. Otherwise, and whenever a gradient is wanted, it is the two ops,
  /// with their gradients.
  public func convolvedMaxPooled2D(
    kernel: Tensor, bias: Tensor? = nil, strides: [Int] = [1, 1], padding: Padding = .valid,
    dilation: [Int] = [1, 1], groups: Int = 1, activation: ElementwiseActivation = .linear,
    poolSize: [Int], poolStrides: [Int]? = nil, poolPadding: Padding = .valid
  ) -> Tensor {
    let composed = {
      self.convolved2D(
        kernel: kernel, bias: bias, strides: strides, padding: padding, dilation: dilation,
        groups: groups, activation: activation
      ).maxPooled2D(poolSize: poolSize, strides: poolStrides, padding: poolPadding)
    }
    guard
      rank == 4 && kernel.rank == 4 && groups == 1 && kernel.shape[2] == shape[3]
        && !isTraced && !kernel.isTraced && !(bias?.isTraced ?? false)
        && (activation == .linear || activation == .relu) && poolPadding != .causal
    else { return composed() }
    let geometry = WindowGeometry(
      inputSize: Array(shape[1...2]), windowSize: Array(kernel.shape[0...1]), strides: strides,
      dilation: dilation, padding: padding)
    guard geometry.isValid else { return composed() }
    let pooling = WindowGeometry(
      inputSize: geometry.outputSize, windowSize: poolSize, strides: poolStrides ?? poolSize,
      padding: poolPadding)
    guard pooling.isValid else { return composed() }
    return Tensor.directConvolution(
      self, matrix: kernel.reshaped(to: [-1, kernel.shape[3]]), bias: bias, geometry: geometry,
      activation: activation, maxPooling: pooling) ?? composed()
  }

  /// An untraced convolution as im2col and the dense op, unfolding a group of images of at
  /// most `convolutionChunkValues` column values at a time.
  static func chunkedConvolution(
    _ images: Tensor, matrix: Tensor, bias: Tensor?, geometry: WindowGeometry,
    activation: ElementwiseActivation
  ) -> Tensor {
    let (batch, filters) = (images.shape[0], matrix.shape[1])
    let output = geometry.outputSize
    let valuesPerImage = output[0] * output[1] * matrix.shape[0]
    let imagesPerChunk = Swift.max(1, convolutionChunkValues / Swift.max(valuesPerImage, 1))
    var pieces: [Tensor] = []
    var start = 0
    repeat {
      let count = Swift.min(imagesPerChunk, batch - start)
      let chunk = count == batch ? images : images.rows(start..<(start + count))
      pieces.append(
        unfold(chunk, geometry: geometry).dense(kernel: matrix, bias: bias, activation: activation))
      start += count
    } while start < batch
    let joined = pieces.count == 1 ? pieces[0] : concatenating(pieces, alongAxis: 0)
    return joined.reshaped(to: [batch, output[0], output[1], filters])
  }

  /// The output size of ``transposedConvolved2D(kernel:bias:strides:padding:dilation:)`` and the
  /// padding of the convolution it transposes, Keras's arithmetic (`output_padding=None`):
  /// `valid` gives `(in − 1)·s + max(k′, s)`, `same` gives `in · s`, with `k′ = d(k − 1) + 1`.
  public static func transposedConvolutionGeometry(
    inputSize: [Int], kernelSize: [Int], strides: [Int], padding: Padding, dilation: [Int]
  ) -> WindowGeometry {
    var outputSize: [Int] = []
    var pads: [Int] = []
    for axis in 0..<2 {
      let (input, stride) = (inputSize[axis], strides[axis])
      let extent = dilation[axis] * (kernelSize[axis] - 1) + 1
      // JAX's formulation: the input dilated by the stride, padded `before` and `after`, then
      // convolved with the flipped kernel at stride 1. As the transpose of a convolution of
      // the output, that is padding `extent − 1 − before` on the output's first side.
      let before: Int
      let after: Int
      if padding == .same {
        let total = stride + extent - 2
        before = Swift.min(total / 2 + total % 2, extent - 1)
        after = total - before
      } else {
        before = extent - 1
        after = extent - 1 + Swift.max(extent, stride) - extent
      }
      let size = (input - 1) * stride + 1 + before + after - (extent - 1)
      outputSize.append(size)
      let leading = extent - 1 - before
      // The far side pads whatever makes the convolution of `size` come back to `input` (none
      // when the stride exceeds the kernel: the last output positions then receive nothing).
      let trailing = Swift.max(0, (input - 1) * stride + extent - size - leading)
      pads += [leading, trailing]
    }
    return WindowGeometry(
      inputSize: outputSize, windowSize: kernelSize, strides: strides, dilation: dilation,
      explicitPadding: pads)
  }

  /// The transpose of a 2-D convolution (Keras's `Conv2DTranspose`): images
  /// `[batch, height, width, channels]`, a kernel `[kh, kw, filters, channels]` (Keras's
  /// layout), `bias` `[filters]`. Each input pixel spreads `kernel · pixel` over a window of the
  /// output; the output is `[batch, outHeight, outWidth, filters]` with the sizes of
  /// ``transposedConvolutionGeometry(inputSize:kernelSize:strides:padding:dilation:)``.
  ///
  /// It is `col2im(x · kernelᵀ)`, the gradient of a convolution with respect to its input.
  public func transposedConvolved2D(
    kernel: Tensor, bias: Tensor? = nil, strides: [Int] = [1, 1], padding: Padding = .valid,
    dilation: [Int] = [1, 1]
  ) -> Tensor {
    precondition(
      rank == 4 && kernel.rank == 4 && kernel.shape[3] == shape[3],
      "transposedConvolved2D: images \(shape) do not fit a kernel \(kernel.shape) [kh, kw, filters, \(rank == 4 ? shape[3] : 0)]"
    )
    precondition(padding != .causal, "transposedConvolved2D: causal padding is not defined")
    let filters = kernel.shape[2]
    let geometry = Tensor.transposedConvolutionGeometry(
      inputSize: Array(shape[1...2]), kernelSize: Array(kernel.shape[0...1]), strides: strides,
      padding: padding, dilation: dilation)
    precondition(
      geometry.isValid && geometry.outputSize == Array(shape[1...2]),
      "transposedConvolved2D: no transposed geometry for input \(shape) and kernel \(kernel.shape)")
    let batch = shape[0]
    let pixels = reshaped(to: [-1, shape[3]])
    // [kh·kw·filters, channels]: row (tap, filter) of the kernel, transposed in the product.
    let matrix = kernel.reshaped(to: [-1, shape[3]])
    let columns = pixels.matmul(matrix.transposed())
    var images = Tensor.col2im(
      columns, imageShape: [batch] + geometry.inputSize + [filters], geometry: geometry)
    if let bias { images = images + bias }
    return images
  }
}
