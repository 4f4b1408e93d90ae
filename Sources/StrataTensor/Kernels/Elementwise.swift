/// Elementwise kernels with NumPy broadcasting. Internal: ops build on these and add gradients.
extension Tensor {
  /// The NumPy broadcast of two shapes, or a precondition failure naming `op` and both shapes.
  static func broadcastShape(_ a: [Int], _ b: [Int], op: String) -> [Int] {
    if a == b { return a }
    let rank = Swift.max(a.count, b.count)
    var result = [Int](repeating: 1, count: rank)
    for i in 0..<rank {
      let da = i < rank - a.count ? 1 : a[i - (rank - a.count)]
      let db = i < rank - b.count ? 1 : b[i - (rank - b.count)]
      precondition(
        da == db || da == 1 || db == 1,
        "\(op): shapes \(a) and \(b) cannot be broadcast together")
      result[i] = da == 1 ? db : da
    }
    return result
  }

  /// Strides of `shape` seen from a broadcast result of rank `rank`: 0 on broadcast axes.
  static func broadcastStrides(_ shape: [Int], to result: [Int]) -> [Int] {
    let rank = result.count
    var strides = [Int](repeating: 0, count: rank)
    var running = 1
    for i in stride(from: shape.count - 1, through: 0, by: -1) {
      let axis = i + rank - shape.count
      strides[axis] = shape[i] == 1 && result[axis] != 1 ? 0 : running
      running *= shape[i]
    }
    return strides
  }

  /// `f` applied to every value, split across threads for large tensors.
  @inline(__always)
  func mapScalars(_ f: (Float) -> Float) -> Tensor {
    let count = scalars.count
    var out = [Float](unsafeUninitializedCapacity: count) { _, initialized in initialized = count }
    scalars.withUnsafeBufferPointer { src in
      out.withUnsafeMutableBufferPointer { dst in
        let s = src.baseAddress!
        let d = dst.baseAddress!
        parallelRanges(count: count, minimumChunk: elementwiseParallelThreshold) { range in
          for i in range { d[i] = f(s[i]) }
        }
      }
    }
    return Tensor(shape: shape, storage: out)
  }

  /// `f(a, b)` elementwise over the broadcast of the two shapes.
  @inline(__always)
  static func zipScalars(
    _ a: Tensor, _ b: Tensor, op: String, _ f: (Float, Float) -> Float
  ) -> Tensor {
    let shape = broadcastShape(a.shape, b.shape, op: op)
    let count = shape.reduce(1, *)
    var out = [Float](unsafeUninitializedCapacity: count) { _, initialized in initialized = count }
    a.scalars.withUnsafeBufferPointer { ab in
      b.scalars.withUnsafeBufferPointer { bb in
        out.withUnsafeMutableBufferPointer { ob in
          let pa = ab.baseAddress!
          let pb = bb.baseAddress!
          let po = ob.baseAddress!
          if a.scalars.count == count && b.scalars.count == count {
            parallelRanges(count: count, minimumChunk: elementwiseParallelThreshold) { range in
              for i in range { po[i] = f(pa[i], pb[i]) }
            }
          } else if b.scalars.count == 1 && a.scalars.count == count {
            let y = pb[0]
            parallelRanges(count: count, minimumChunk: elementwiseParallelThreshold) { range in
              for i in range { po[i] = f(pa[i], y) }
            }
          } else if a.scalars.count == 1 && b.scalars.count == count {
            let x = pa[0]
            parallelRanges(count: count, minimumChunk: elementwiseParallelThreshold) { range in
              for i in range { po[i] = f(x, pb[i]) }
            }
          } else if count > 0 {
            broadcastLoop(shape: shape, a.shape, b.shape, pa, pb, po, f)
          }
        }
      }
    }
    return Tensor(shape: shape, storage: out)
  }

  /// The general broadcast: an odometer over all but the last axis, a strided inner loop.
  @inline(__always)
  private static func broadcastLoop(
    shape: [Int], _ aShape: [Int], _ bShape: [Int],
    _ pa: UnsafePointer<Float>, _ pb: UnsafePointer<Float>, _ po: UnsafeMutablePointer<Float>,
    _ f: (Float, Float) -> Float
  ) {
    let rank = shape.count
    let sa = broadcastStrides(aShape, to: shape)
    let sb = broadcastStrides(bShape, to: shape)
    let inner = shape[rank - 1]
    let ia = sa[rank - 1]
    let ib = sb[rank - 1]
    let outer = shape.reduce(1, *) / Swift.max(inner, 1)
    var index = [Int](repeating: 0, count: rank)
    var offsetA = 0
    var offsetB = 0
    for row in 0..<outer {
      let o = po + row * inner
      if ia == 1 && ib == 1 {
        for j in 0..<inner { o[j] = f(pa[offsetA + j], pb[offsetB + j]) }
      } else if ia == 1 {
        let y = pb[offsetB]
        for j in 0..<inner { o[j] = f(pa[offsetA + j], y) }
      } else if ib == 1 {
        let x = pa[offsetA]
        for j in 0..<inner { o[j] = f(x, pb[offsetB + j]) }
      } else {
        let x = pa[offsetA]
        let y = pb[offsetB]
        for j in 0..<inner { o[j] = f(x, y) }
      }
      // Advance the odometer over axes 0..<rank-1.
      var axis = rank - 2
      while axis >= 0 {
        index[axis] += 1
        offsetA += sa[axis]
        offsetB += sb[axis]
        if index[axis] < shape[axis] { break }
        offsetA -= sa[axis] * shape[axis]
        offsetB -= sb[axis] * shape[axis]
        index[axis] = 0
        axis -= 1
      }
    }
  }

  /// Sums a gradient of a broadcast result back to the shape of the operand it came from.
  func unbroadcast(to target: [Int]) -> Tensor {
    if shape == target { return self }
    let extra = rank - target.count
    var axes: [Int] = Array(0..<extra)
    for (i, dim) in target.enumerated() where dim == 1 && shape[i + extra] != 1 {
      axes.append(i + extra)
    }
    return detached.sum(alongAxes: axes, keepingDims: false).reshaped(to: target)
  }
}
