import StrataKernels

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

  /// The values of ``im2col(geometry:)``, untraced (a C kernel, split over images).
  static func unfold(_ images: Tensor, geometry: WindowGeometry) -> Tensor {
    let (batch, channels) = (images.shape[0], images.shape[3])
    let output = geometry.outputSize
    let rowWidth = geometry.windowSize[0] * geometry.windowSize[1] * channels
    let rows = batch * output[0] * output[1]
    let count = rows * rowWidth
    var out = [Float](unsafeUninitializedCapacity: count) { _, initialized in initialized = count }
    withUnsafePointer(to: geometry.kernelWindow(channels: channels)) { window in
      images.scalars.withUnsafeBufferPointer { source in
        out.withUnsafeMutableBufferPointer { destination in
          let (x, cols) = (source.baseAddress!, destination.baseAddress!)
          WindowGeometry.forImageRanges(batch: batch, valuesPerImage: count / Swift.max(batch, 1)) {
            first, last in strata_im2col(window, first, last, x, cols)
          }
        }
      }
    }
    return Tensor(shape: [rows, rowWidth], storage: out)
  }

  /// The values of ``col2im(_:imageShape:geometry:)``, untraced: image by image, so that
  /// threads never add into the same pixel.
  static func fold(_ columns: Tensor, imageShape: [Int], geometry: WindowGeometry) -> Tensor {
    let batch = imageShape[0]
    let count = imageShape.reduce(1, *)
    var out = [Float](unsafeUninitializedCapacity: count) { _, initialized in initialized = count }
    withUnsafePointer(to: geometry.kernelWindow(channels: imageShape[3])) { window in
      columns.scalars.withUnsafeBufferPointer { source in
        out.withUnsafeMutableBufferPointer { destination in
          let (cols, x) = (source.baseAddress!, destination.baseAddress!)
          WindowGeometry.forImageRanges(
            batch: batch, valuesPerImage: columns.scalarCount / Swift.max(batch, 1)
          ) { first, last in strata_col2im(window, first, last, cols, x) }
        }
      }
    }
    return Tensor(shape: imageShape, storage: out)
  }
}
