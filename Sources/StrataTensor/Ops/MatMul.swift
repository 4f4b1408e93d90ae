// Matrix products on the packed GEMM kernel, with gradients that use the transposed
// products directly (no transposed copies are made).

extension Tensor {
  /// `op(a) · op(b)` for rank-2 tensors, untraced; `op` transposes when asked.
  static func matrixProduct(
    _ a: Tensor, _ b: Tensor, transposingA: Bool = false, transposingB: Bool = false,
    accumulatingInto initial: Tensor? = nil
  ) -> Tensor {
    let m = transposingA ? a.shape[1] : a.shape[0]
    let k = transposingA ? a.shape[0] : a.shape[1]
    let kb = transposingB ? b.shape[1] : b.shape[0]
    let n = transposingB ? b.shape[0] : b.shape[1]
    precondition(
      k == kb,
      "matmul: inner dimensions differ: \(transposingA ? "transposed " : "")\(a.shape) · \(transposingB ? "transposed " : "")\(b.shape)"
    )
    var out: [Float]
    if let initial {
      precondition(
        initial.shape == [m, n], "matmul: accumulator shape \(initial.shape) is not [\(m), \(n)]")
      out = initial.scalars
    } else {
      out = [Float](unsafeUninitializedCapacity: m * n) { _, initialized in initialized = m * n }
    }
    a.scalars.withUnsafeBufferPointer { pa in
      b.scalars.withUnsafeBufferPointer { pb in
        out.withUnsafeMutableBufferPointer { pc in
          GEMM.multiply(
            m: m, n: n, k: k,
            a: .init(base: pa.baseAddress!, leadingDimension: a.shape[1], transposed: transposingA),
            b: .init(base: pb.baseAddress!, leadingDimension: b.shape[1], transposed: transposingB),
            c: pc.baseAddress!, ldc: n, accumulate: initial != nil)
        }
      }
    }
    return Tensor(shape: [m, n], storage: out)
  }

  /// The matrix product.
  ///
  /// - `[m, k] · [k, n] → [m, n]`
  /// - `[b, m, k] · [b, k, n] → [b, m, n]` (batched)
  /// - `[..., k] · [k, n] → [..., n]` (the last axis contracted, as Keras's Dense does)
  public func matmul(_ other: Tensor) -> Tensor {
    if rank == 3 && other.rank == 3 { return batchedMatmul(other) }
    precondition(
      rank >= 2 && other.rank == 2,
      "matmul: unsupported shapes \(shape) · \(other.shape) (expected [m, k]·[k, n], [b, m, k]·[b, k, n] or [..., k]·[k, n])"
    )
    precondition(
      shape[rank - 1] == other.shape[0],
      "matmul: inner dimensions differ: \(shape) · \(other.shape)")
    if rank > 2 {
      let leading = Array(shape.dropLast())
      return reshaped(to: [-1, shape[rank - 1]]).matmul(other).reshaped(
        to: leading + [other.shape[1]])
    }
    let value = Tensor.matrixProduct(self, other)
    let (lhs, rhs) = (detached, other.detached)
    return Tensor.record(value, inputs: [self, other]) { grad, needs in
      [
        needs[0] ? Tensor.matrixProduct(grad, rhs, transposingB: true) : nil,
        needs[1] ? Tensor.matrixProduct(lhs, grad, transposingA: true) : nil,
      ]
    }
  }

  private func batchedMatmul(_ other: Tensor) -> Tensor {
    precondition(
      shape[0] == other.shape[0] && shape[2] == other.shape[1],
      "matmul: batched shapes \(shape) · \(other.shape) do not match")
    let batch = shape[0]
    let (m, k, n) = (shape[1], shape[2], other.shape[2])
    @Sendable func product(
      _ a: Tensor, _ b: Tensor, _ ta: Bool, _ tb: Bool, _ rows: Int, _ cols: Int
    ) -> Tensor {
      var out = [Float]()
      out.reserveCapacity(batch * rows * cols)
      let aStride = a.shape[1] * a.shape[2]
      let bStride = b.shape[1] * b.shape[2]
      for i in 0..<batch {
        let ai = Tensor(
          shape: [a.shape[1], a.shape[2]],
          storage: Array(a.scalars[(i * aStride)..<((i + 1) * aStride)]))
        let bi = Tensor(
          shape: [b.shape[1], b.shape[2]],
          storage: Array(b.scalars[(i * bStride)..<((i + 1) * bStride)]))
        out.append(
          contentsOf: Tensor.matrixProduct(ai, bi, transposingA: ta, transposingB: tb).scalars)
      }
      return Tensor(shape: [batch, rows, cols], storage: out)
    }
    let value = product(self, other, false, false, m, n)
    let (lhs, rhs) = (detached, other.detached)
    return Tensor.record(value, inputs: [self, other]) { grad, needs in
      [
        needs[0] ? product(grad, rhs, false, true, m, k) : nil,
        needs[1] ? product(lhs, grad, true, false, k, n) : nil,
      ]
    }
  }

  /// The dot product of two rank-1 tensors (a scalar), or the matrix product otherwise.
  public func dot(_ other: Tensor) -> Tensor {
    if rank == 1 && other.rank == 1 {
      precondition(shape == other.shape, "dot: lengths differ: \(shape) · \(other.shape)")
      return multiplying(other).sum()
    }
    return matmul(other)
  }
}

/// The matrix product `a · b` (see ``Tensor/matmul(_:)``).
public func matmul(_ a: Tensor, _ b: Tensor) -> Tensor { a.matmul(b) }
