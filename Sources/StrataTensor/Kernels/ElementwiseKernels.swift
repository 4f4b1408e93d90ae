import StrataKernels

// Swift wrappers of the C element-wise passes (relu, bias, exp, log, sigmoid, tanh), split over
// the compute threads.

extension Tensor {
  /// `kernel(count, x, y)` applied to this tensor's scalars in contiguous chunks, untraced.
  private func mapped(
    by kernel: (Int, UnsafePointer<Float>, UnsafeMutablePointer<Float>) -> Void
  ) -> Tensor {
    let count = scalarCount
    let result = [Float](unsafeUninitializedCapacity: count) { buffer, initialized in
      scalars.withUnsafeBufferPointer { x in
        let (px, py) = (x.baseAddress!, buffer.baseAddress!)
        parallelRanges(count: count, minimumChunk: elementwiseParallelThreshold) { range in
          kernel(range.count, px + range.lowerBound, py + range.lowerBound)
        }
      }
      initialized = count
    }
    return Tensor(shape: shape, storage: result)
  }

  /// `max(self, 0)` element-wise, untraced.
  func reluValues() -> Tensor { mapped { strata_relu($0, $1, $2) } }

  /// `eˣ` element-wise, untraced (vectorised; within about 1 ulp of libm).
  func expValues() -> Tensor { mapped { strata_exp($0, $1, $2) } }

  /// The natural logarithm element-wise, untraced (vectorised; within about 1 ulp of libm).
  func logValues() -> Tensor { mapped { strata_log($0, $1, $2) } }

  /// The logistic sigmoid element-wise, untraced.
  func sigmoidValues() -> Tensor { mapped { strata_sigmoid($0, $1, $2) } }

  /// `tanh` element-wise, untraced.
  func tanhValues() -> Tensor { mapped { strata_tanh($0, $1, $2) } }

  /// The relu pullback from the op's output: `gradient` where `output > 0`, else 0.
  static func reluPullback(_ gradient: Tensor, output: Tensor) -> Tensor {
    precondition(
      gradient.shape == output.shape,
      "relu: gradient \(gradient.shape) does not match output \(output.shape)")
    let count = gradient.scalarCount
    let result = [Float](unsafeUninitializedCapacity: count) { buffer, initialized in
      gradient.scalars.withUnsafeBufferPointer { g in
        output.scalars.withUnsafeBufferPointer { y in
          let (pg, py, out) = (g.baseAddress!, y.baseAddress!, buffer.baseAddress!)
          parallelRanges(count: count, minimumChunk: elementwiseParallelThreshold) { range in
            let i = range.lowerBound
            strata_relu_backward(range.count, pg + i, py + i, out + i)
          }
        }
      }
      initialized = count
    }
    return Tensor(shape: gradient.shape, storage: result)
  }

  /// Adds `row` (shape `[columns]`) to every row of this rank-2 tensor in place, untraced, then
  /// applies relu when asked: the epilogue of the dense op.
  mutating func addRowVectorInPlace(_ row: Tensor, relu: Bool = false) {
    let (rows, columns) = (shape[0], shape[1])
    row.scalars.withUnsafeBufferPointer { b in
      scalars.withUnsafeMutableBufferPointer { z in
        let (pb, pz) = (b.baseAddress!, z.baseAddress!)
        let minimumRows = Swift.max(1, elementwiseParallelThreshold / Swift.max(1, columns))
        parallelRanges(count: rows, minimumChunk: minimumRows) { range in
          strata_add_bias_rows(
            range.count, columns, pb, relu ? 1 : 0, pz + range.lowerBound * columns)
        }
      }
    }
  }
}
