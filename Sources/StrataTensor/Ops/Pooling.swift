// Max and average pooling over channels-last images, each with its gradient.

extension Tensor {
  /// The largest value of each window, channel by channel (Keras's `MaxPooling2D`): images
  /// `[batch, height, width, channels]` to `[batch, outHeight, outWidth, channels]`. Windows
  /// cover only real pixels: padding never wins (Keras pads with −∞).
  ///
  /// The gradient goes to the position of each window's maximum, as in "Deep Learning from
  /// Scratch" (`np.argmax`); when several positions tie, to the first in the window's row-major
  /// order.
  public func maxPooled2D(
    poolSize: [Int], strides: [Int]? = nil, padding: Padding = .valid
  ) -> Tensor {
    let geometry = poolingGeometry(
      poolSize: poolSize, strides: strides, padding: padding, op: "maxPooled2D")
    let (batch, channels) = (shape[0], shape[3])
    let output = geometry.outputSize
    let count = batch * output[0] * output[1] * channels
    var values = [Float](repeating: -.infinity, count: count)
    var winners = [Int32](repeating: 0, count: count)
    let (height, width) = (shape[1], shape[2])
    scalars.withUnsafeBufferPointer { x in
      values.withUnsafeMutableBufferPointer { y in
        winners.withUnsafeMutableBufferPointer { w in
          let (xa, ya, wa) = (
            Int(bitPattern: x.baseAddress!), Int(bitPattern: y.baseAddress!),
            Int(bitPattern: w.baseAddress!)
          )
          parallelRanges(count: batch, minimumChunk: 1) { images in
            let x = UnsafePointer<Float>(bitPattern: xa)!
            let y = UnsafeMutablePointer<Float>(bitPattern: ya)!
            let w = UnsafeMutablePointer<Int32>(bitPattern: wa)!
            for n in images {
              for oh in 0..<output[0] {
                for ow in 0..<output[1] {
                  let o = ((n * output[0] + oh) * output[1] + ow) * channels
                  geometry.forEachTap(outputRow: oh, outputColumn: ow) { _, row, column in
                    let i = ((n * height + row) * width + column) * channels
                    for c in 0..<channels where x[i + c] > y[o + c] {
                      y[o + c] = x[i + c]
                      w[o + c] = Int32(i + c)
                    }
                  }
                }
              }
            }
          }
        }
      }
    }
    let value = Tensor(shape: [batch] + output + [channels], storage: values)
    guard isTraced else { return value }
    let inputShape = shape
    let positions = winners
    return Tensor.record(value, input: self) { grad in
      var dx = [Float](repeating: 0, count: inputShape.reduce(1, *))
      for (o, i) in positions.enumerated() { dx[Int(i)] += grad.scalars[o] }
      return Tensor(shape: inputShape, storage: dx)
    }
  }

  /// The mean of each window, channel by channel (Keras's `AveragePooling2D`): with `same`
  /// padding a window at the edge averages only its real pixels, as Keras does. The gradient
  /// spreads each output's gradient evenly over the pixels it averaged.
  public func averagePooled2D(
    poolSize: [Int], strides: [Int]? = nil, padding: Padding = .valid
  ) -> Tensor {
    let geometry = poolingGeometry(
      poolSize: poolSize, strides: strides, padding: padding, op: "averagePooled2D")
    let value = Tensor.averagePool(self, geometry: geometry)
    guard isTraced else { return value }
    let inputShape = shape
    return Tensor.record(value, input: self) { grad in
      Tensor.averagePoolPullback(grad, inputShape: inputShape, geometry: geometry)
    }
  }

  private func poolingGeometry(poolSize: [Int], strides: [Int]?, padding: Padding, op: String)
    -> WindowGeometry
  {
    precondition(rank == 4, "\(op): expects images [n, h, w, c], got \(shape)")
    precondition(padding != .causal, "\(op): causal padding is for convolutions")
    let geometry = WindowGeometry(
      inputSize: Array(shape[1...2]), windowSize: poolSize, strides: strides ?? poolSize,
      padding: padding)
    precondition(geometry.isValid, "\(op): the window does not fit input \(shape): \(geometry)")
    return geometry
  }

  /// The number of real pixels under each window position, `[outHeight · outWidth]`.
  private static func windowCounts(_ geometry: WindowGeometry) -> [Float] {
    let output = geometry.outputSize
    var counts = [Float](repeating: 0, count: output[0] * output[1])
    for oh in 0..<output[0] {
      for ow in 0..<output[1] {
        geometry.forEachTap(outputRow: oh, outputColumn: ow) { _, _, _ in
          counts[oh * output[1] + ow] += 1
        }
      }
    }
    return counts
  }

  private static func averagePool(_ images: Tensor, geometry: WindowGeometry) -> Tensor {
    let (batch, height, width, channels) = (
      images.shape[0], images.shape[1], images.shape[2], images.shape[3]
    )
    let output = geometry.outputSize
    let counts = windowCounts(geometry)
    var values = [Float](repeating: 0, count: batch * output[0] * output[1] * channels)
    images.scalars.withUnsafeBufferPointer { x in
      values.withUnsafeMutableBufferPointer { y in
        let (xa, ya) = (Int(bitPattern: x.baseAddress!), Int(bitPattern: y.baseAddress!))
        parallelRanges(count: batch, minimumChunk: 1) { range in
          let x = UnsafePointer<Float>(bitPattern: xa)!
          let y = UnsafeMutablePointer<Float>(bitPattern: ya)!
          for n in range {
            for oh in 0..<output[0] {
              for ow in 0..<output[1] {
                let o = ((n * output[0] + oh) * output[1] + ow) * channels
                geometry.forEachTap(outputRow: oh, outputColumn: ow) { _, row, column in
                  let i = ((n * height + row) * width + column) * channels
                  for c in 0..<channels { y[o + c] += x[i + c] }
                }
                let scale = 1 / counts[oh * output[1] + ow]
                for c in 0..<channels { y[o + c] *= scale }
              }
            }
          }
        }
      }
    }
    return Tensor(shape: [batch] + output + [channels], storage: values)
  }

  private static func averagePoolPullback(
    _ grad: Tensor, inputShape: [Int], geometry: WindowGeometry
  ) -> Tensor {
    let (batch, height, width, channels) = (
      inputShape[0], inputShape[1], inputShape[2], inputShape[3]
    )
    let output = geometry.outputSize
    let counts = windowCounts(geometry)
    var dx = [Float](repeating: 0, count: inputShape.reduce(1, *))
    grad.scalars.withUnsafeBufferPointer { g in
      dx.withUnsafeMutableBufferPointer { d in
        let (ga, da) = (Int(bitPattern: g.baseAddress!), Int(bitPattern: d.baseAddress!))
        parallelRanges(count: batch, minimumChunk: 1) { range in
          let g = UnsafePointer<Float>(bitPattern: ga)!
          let d = UnsafeMutablePointer<Float>(bitPattern: da)!
          for n in range {
            for oh in 0..<output[0] {
              for ow in 0..<output[1] {
                let o = ((n * output[0] + oh) * output[1] + ow) * channels
                let scale = 1 / counts[oh * output[1] + ow]
                geometry.forEachTap(outputRow: oh, outputColumn: ow) { _, row, column in
                  let i = ((n * height + row) * width + column) * channels
                  for c in 0..<channels { d[i + c] += g[o + c] * scale }
                }
              }
            }
          }
        }
      }
    }
    return Tensor(shape: inputShape, storage: dx)
  }
}
