import Foundation

// Softmax and log-softmax along an axis, computed stably (the maximum is subtracted first).

extension Tensor {
  /// Views the tensor as `[outer, n, inner]` around `axis`.
  func axisLayout(_ axis: Int) -> (outer: Int, n: Int, inner: Int) {
    (shape[..<axis].reduce(1, *), shape[axis], shape[(axis + 1)...].reduce(1, *))
  }

  /// exp(x − max) / Σ exp(x − max) along `axis`, untraced.
  func softmaxValues(axis: Int) -> Tensor {
    softmaxValues(axis: axis, normalizers: nil)
  }

  /// ``softmaxValues(axis:)``, also writing each row's maximum and log Σ exp(x − max) into
  /// `normalizers` (`2 · rows` values: the maxima, then the logs), from which
  /// `(x − max) − log Σ` is the row's log-softmax with the bits of ``logSoftmax(alongAxis:)``.
  func softmaxValues(axis: Int, normalizers: UnsafeMutablePointer<Float>?) -> Tensor {
    let (outer, n, inner) = axisLayout(axis)
    var out = scalars
    out.withUnsafeMutableBufferPointer { buffer in
      let p = buffer.baseAddress!
      // Rows are independent: split across threads, the same bits.
      parallelRanges(count: outer, minimumChunk: Swift.max(1, (1 << 14) / Swift.max(1, n * inner)))
      { rows in
        for o in rows {
          for i in 0..<inner {
            let base = p + o * n * inner + i
            var top = -Float.infinity
            for k in 0..<n { top = Swift.max(top, base[k * inner]) }
            var total: Float = 0
            for k in 0..<n {
              let e = Foundation.exp(base[k * inner] - top)
              base[k * inner] = e
              total += e
            }
            if let normalizers {
              let row = o * inner + i
              normalizers[row] = top
              normalizers[outer * inner + row] = Foundation.log(total)
            }
            let scale = 1 / total
            for k in 0..<n { base[k * inner] *= scale }
          }
        }
      }
    }
    return Tensor(shape: shape, storage: out)
  }

  /// The softmax along `axis` (default: the last): `exp(x) / Σ exp(x)`, computed stably.
  /// Gradient: `y ⊙ (g − Σ g⊙y)`.
  public func softmax(alongAxis axis: Int = -1) -> Tensor {
    let axis = normalizedAxes([axis], op: "softmax")[0]
    let value = softmaxValues(axis: axis)
    let y = value.detached
    return Tensor.record(value, input: self) { grad in
      let gy = Tensor.zipScalars(grad, y, op: "softmax") { $0 * $1 }
      let total = gy.reduceAxis(axis, initial: 0, +)
      let centered = Tensor.zipScalars(grad, total, op: "softmax") { $0 - $1 }
      return Tensor.zipScalars(centered, y, op: "softmax") { $0 * $1 }
    }
  }

  /// The log of the softmax along `axis`: `x − max − log Σ exp(x − max)`.
  /// Gradient: `g − softmax(x) · Σ g`.
  public func logSoftmax(alongAxis axis: Int = -1) -> Tensor {
    let axis = normalizedAxes([axis], op: "logSoftmax")[0]
    let top = detached.reduceAxis(axis, initial: -.infinity) { Swift.max($0, $1) }
    let shiftedValues = Tensor.zipScalars(self, top, op: "logSoftmax") { $0 - $1 }
    let logTotal = shiftedValues.mapScalars { Foundation.exp($0) }.reduceAxis(axis, initial: 0, +)
      .mapScalars { Foundation.log($0) }
    let value = Tensor.zipScalars(shiftedValues, logTotal, op: "logSoftmax") { $0 - $1 }
    let probabilities = value.mapScalars { Foundation.exp($0) }
    return Tensor.record(value, input: self) { grad in
      let total = grad.reduceAxis(axis, initial: 0, +)
      let spread = Tensor.zipScalars(probabilities, total, op: "logSoftmax") { $0 * $1 }
      return Tensor.zipScalars(grad, spread, op: "logSoftmax") { $0 - $1 }
    }
  }
}
