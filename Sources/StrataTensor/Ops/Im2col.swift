// im2col and col2im: the unfolding that turns a convolution into one matrix product, as
// "Deep Learning from Scratch" builds convolution and pooling (ch. 7).

extension Tensor {
  /// Unfolds channels-last images `[batch, height, width, channels]` into one row per window
  /// position: `[batch · outHeight · outWidth, kh · kw · channels]`, each row the window's
  /// values tap by tap (row-major over the window), all channels of a tap together. Taps on
  /// padding are zeros.
  ///
  /// This is the book's `im2col` (figure 7-18) for channels-last data: a convolution is then
  /// `im2col(x) · kernel` with the kernel `[kh, kw, channels, filters]` reshaped to
  /// `[kh · kw · channels, filters]`, and the product reshapes straight to
  /// `[batch, outHeight, outWidth, filters]`. (The book's NCHW `im2col` orders a row channel by
  /// channel instead.) Its gradient is ``col2im(_:imageShape:geometry:)``.
  public func im2col(geometry: WindowGeometry) -> Tensor {
    precondition(
      rank == 4 && Array(shape[1...2]) == geometry.inputSize && geometry.isValid,
      "im2col: input of shape \(shape) does not fit \(geometry)")
    let imageShape = shape
    let value = Tensor.unfold(self, geometry: geometry)
    return Tensor.record(value, input: self) { grad in
      Tensor.fold(grad, imageShape: imageShape, geometry: geometry)
    }
  }

  /// Folds window rows back onto images, summing where windows overlap: the transpose of
  /// ``im2col(geometry:)`` (its gradient), the book's `col2im`. `columns` is
  /// `[batch · outHeight · outWidth, kh · kw · channels]`; the result has `imageShape`
  /// `[batch, height, width, channels]`.
  public static func col2im(_ columns: Tensor, imageShape: [Int], geometry: WindowGeometry)
    -> Tensor
  {
    precondition(
      imageShape.count == 4 && Array(imageShape[1...2]) == geometry.inputSize
        && geometry.isValid,
      "col2im: image shape \(imageShape) does not fit \(geometry)")
    let output = geometry.outputSize
    let rows = imageShape[0] * output[0] * output[1]
    let width = geometry.windowSize[0] * geometry.windowSize[1] * imageShape[3]
    precondition(
      columns.shape == [rows, width],
      "col2im: columns of shape \(columns.shape), expected [\(rows), \(width)]")
    let value = fold(columns, imageShape: imageShape, geometry: geometry)
    return record(value, input: columns) { grad in unfold(grad, geometry: geometry) }
  }

  /// The values of ``im2col(geometry:)``, untraced.
  static func unfold(_ images: Tensor, geometry: WindowGeometry) -> Tensor {
    let (batch, height, width, channels) = (
      images.shape[0], images.shape[1], images.shape[2], images.shape[3]
    )
    let output = geometry.outputSize
    let (kh, kw) = (geometry.windowSize[0], geometry.windowSize[1])
    let (sh, sw) = (geometry.strides[0], geometry.strides[1])
    let (dh, dw) = (geometry.dilation[0], geometry.dilation[1])
    let (top, left) = (geometry.padding[0], geometry.padding[2])
    let rowWidth = kh * kw * channels
    let rows = batch * output[0] * output[1]
    let count = rows * rowWidth
    var out = [Float](unsafeUninitializedCapacity: count) { _, initialized in initialized = count }
    images.scalars.withUnsafeBufferPointer { source in
      out.withUnsafeMutableBufferPointer { destination in
        let (x, cols) = (source.baseAddress!, destination.baseAddress!)
        let xAddress = Int(bitPattern: x)
        let colsAddress = Int(bitPattern: cols)
        parallelRanges(count: rows, minimumChunk: Swift.max(1, 16384 / Swift.max(rowWidth, 1))) {
          range in
          let x = UnsafePointer<Float>(bitPattern: xAddress)!
          let cols = UnsafeMutablePointer<Float>(bitPattern: colsAddress)!
          for row in range {
            let n = row / (output[0] * output[1])
            let rest = row % (output[0] * output[1])
            let (oh, ow) = (rest / output[1], rest % output[1])
            var target = cols + row * rowWidth
            for i in 0..<kh {
              let ih = oh * sh - top + i * dh
              let inside = ih >= 0 && ih < height
              for j in 0..<kw {
                let iw = ow * sw - left + j * dw
                if inside && iw >= 0 && iw < width {
                  target.update(
                    from: x + ((n * height + ih) * width + iw) * channels, count: channels)
                } else {
                  target.update(repeating: 0, count: channels)
                }
                target += channels
              }
            }
          }
        }
      }
    }
    return Tensor(shape: [rows, rowWidth], storage: out)
  }

  /// The values of ``col2im(_:imageShape:geometry:)``, untraced: image by image, so that
  /// threads never add into the same pixel.
  static func fold(_ columns: Tensor, imageShape: [Int], geometry: WindowGeometry) -> Tensor {
    let (batch, height, width, channels) = (
      imageShape[0], imageShape[1], imageShape[2], imageShape[3]
    )
    let output = geometry.outputSize
    let (kh, kw) = (geometry.windowSize[0], geometry.windowSize[1])
    let (sh, sw) = (geometry.strides[0], geometry.strides[1])
    let (dh, dw) = (geometry.dilation[0], geometry.dilation[1])
    let (top, left) = (geometry.padding[0], geometry.padding[2])
    let rowWidth = kh * kw * channels
    let imageSize = height * width * channels
    var out = [Float](repeating: 0, count: batch * imageSize)
    columns.scalars.withUnsafeBufferPointer { source in
      out.withUnsafeMutableBufferPointer { destination in
        let colsAddress = Int(bitPattern: source.baseAddress!)
        let xAddress = Int(bitPattern: destination.baseAddress!)
        parallelRanges(count: batch, minimumChunk: 1) { images in
          let cols = UnsafePointer<Float>(bitPattern: colsAddress)!
          let x = UnsafeMutablePointer<Float>(bitPattern: xAddress)!
          for n in images {
            for oh in 0..<output[0] {
              for ow in 0..<output[1] {
                var from = cols + ((n * output[0] + oh) * output[1] + ow) * rowWidth
                for i in 0..<kh {
                  let ih = oh * sh - top + i * dh
                  let inside = ih >= 0 && ih < height
                  for j in 0..<kw {
                    let iw = ow * sw - left + j * dw
                    if inside && iw >= 0 && iw < width {
                      let to = x + ((n * height + ih) * width + iw) * channels
                      for c in 0..<channels { to[c] += from[c] }
                    }
                    from += channels
                  }
                }
              }
            }
          }
        }
      }
    }
    return Tensor(shape: imageShape, storage: out)
  }
}
