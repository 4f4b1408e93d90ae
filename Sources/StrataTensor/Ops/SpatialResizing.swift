// Growing images: zero borders (ZeroPadding2D) and repeated pixels (UpSampling2D).

extension Tensor {
  /// Channels-last images `[batch, height, width, channels]` with zero rows above and below and
  /// zero columns left and right: `padding` is `[top, bottom, left, right]` (Keras's
  /// `ZeroPadding2D`). The gradient is the inner part of the output's gradient.
  public func zeroPadded2D(_ padding: [Int]) -> Tensor {
    precondition(
      rank == 4 && padding.count == 4 && padding.allSatisfy { $0 >= 0 },
      "zeroPadded2D: expects images [n, h, w, c] and [top, bottom, left, right] ≥ 0; got \(shape), \(padding)"
    )
    let (batch, height, width, channels) = (shape[0], shape[1], shape[2], shape[3])
    let (outHeight, outWidth) = (height + padding[0] + padding[1], width + padding[2] + padding[3])
    var out = [Float](repeating: 0, count: batch * outHeight * outWidth * channels)
    let run = width * channels
    scalars.withUnsafeBufferPointer { x in
      out.withUnsafeMutableBufferPointer { y in
        for n in 0..<batch {
          for row in 0..<height {
            let from = (n * height + row) * run
            let to = ((n * outHeight + row + padding[0]) * outWidth + padding[2]) * channels
            (y.baseAddress! + to).update(from: x.baseAddress! + from, count: run)
          }
        }
      }
    }
    let value = Tensor(shape: [batch, outHeight, outWidth, channels], storage: out)
    return Tensor.record(value, input: self) { grad in
      grad.slice(alongAxis: 1, from: padding[0], count: height).slice(
        alongAxis: 2, from: padding[2], count: width)
    }
  }

  /// Channels-last images with each pixel repeated `size[0]` times down and `size[1]` times
  /// across (Keras's `UpSampling2D(interpolation="nearest")`). The gradient sums each block.
  public func upsampled2D(size: [Int]) -> Tensor {
    precondition(
      rank == 4 && size.count == 2 && size.allSatisfy { $0 >= 1 },
      "upsampled2D: expects images [n, h, w, c] and a positive [rows, columns]; got \(shape), \(size)"
    )
    let (batch, height, width, channels) = (shape[0], shape[1], shape[2], shape[3])
    let (outHeight, outWidth) = (height * size[0], width * size[1])
    var out = [Float](repeating: 0, count: batch * outHeight * outWidth * channels)
    scalars.withUnsafeBufferPointer { x in
      out.withUnsafeMutableBufferPointer { y in
        for n in 0..<batch {
          for row in 0..<outHeight {
            for column in 0..<outWidth {
              let from = ((n * height + row / size[0]) * width + column / size[1]) * channels
              let to = ((n * outHeight + row) * outWidth + column) * channels
              (y.baseAddress! + to).update(from: x.baseAddress! + from, count: channels)
            }
          }
        }
      }
    }
    let value = Tensor(shape: [batch, outHeight, outWidth, channels], storage: out)
    return Tensor.record(value, input: self) { grad in
      // Σ over each block: split the row and column axes into (original, repeat) and sum.
      grad.reshaped(to: [batch, height, size[0], width, size[1], channels])
        .sum(alongAxes: [2, 4])
    }
  }
}
