import StrataKernels

// Max and average pooling over channels-last images, each with its gradient (C kernels,
// split over images).

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
    var values = [Float](unsafeUninitializedCapacity: count) { _, n in n = count }
    // Only a traced pooling needs the winners, for its gradient.
    let winnerCount = isTraced ? count : 0
    var winners = [Int32](unsafeUninitializedCapacity: winnerCount) { _, n in n = winnerCount }
    withUnsafePointer(to: geometry.kernelWindow(channels: channels)) { window in
      scalars.withUnsafeBufferPointer { x in
        values.withUnsafeMutableBufferPointer { y in
          winners.withUnsafeMutableBufferPointer { w in
            // An empty array may still have a base address: say "no winners" explicitly.
            let pw = winnerCount > 0 ? w.baseAddress : nil
            let (px, py) = (x.baseAddress!, y.baseAddress!)
            WindowGeometry.forImageRanges(batch: batch, valuesPerImage: scalarCount / batch) {
              first, last in strata_max_pool(window, first, last, px, py, pw)
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
      let total = inputShape.reduce(1, *)
      var dx = [Float](unsafeUninitializedCapacity: total) { _, n in n = total }
      withUnsafePointer(to: geometry.kernelWindow(channels: channels)) { window in
        grad.scalars.withUnsafeBufferPointer { g in
          positions.withUnsafeBufferPointer { w in
            dx.withUnsafeMutableBufferPointer { d in
              let (pg, pw, pd) = (g.baseAddress!, w.baseAddress!, d.baseAddress!)
              WindowGeometry.forImageRanges(batch: batch, valuesPerImage: total / batch) {
                first, last in strata_max_pool_backward(window, first, last, pg, pw, pd)
              }
            }
          }
        }
      }
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
    let (batch, channels) = (shape[0], shape[3])
    let outputShape = [batch] + geometry.outputSize + [channels]
    let value = Tensor.averagePool(
      self, into: outputShape, geometry: geometry, kernel: strata_average_pool)
    guard isTraced else { return value }
    let inputShape = shape
    return Tensor.record(value, input: self) { grad in
      Tensor.averagePool(
        grad, into: inputShape, geometry: geometry, kernel: strata_average_pool_backward)
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

  /// Runs an average-pooling kernel (forward or backward) from `source` into a tensor of
  /// `shape`, split over images.
  private static func averagePool(
    _ source: Tensor, into shape: [Int], geometry: WindowGeometry,
    kernel: (
      UnsafePointer<strata_window>?, Int, Int, UnsafePointer<Float>?, UnsafeMutablePointer<Float>?
    ) -> Void
  ) -> Tensor {
    let (batch, count) = (shape[0], shape.reduce(1, *))
    var out = [Float](unsafeUninitializedCapacity: count) { _, n in n = count }
    withUnsafePointer(to: geometry.kernelWindow(channels: shape[3])) { window in
      source.scalars.withUnsafeBufferPointer { x in
        out.withUnsafeMutableBufferPointer { y in
          let (px, py) = (x.baseAddress!, y.baseAddress!)
          WindowGeometry.forImageRanges(batch: batch, valuesPerImage: count / batch) {
            first, last in kernel(window, first, last, px, py)
          }
        }
      }
    }
    return Tensor(shape: shape, storage: out)
  }
}
