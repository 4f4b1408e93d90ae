// Sums, means, maxima, minima and arg-maxima along axes.

extension Tensor {
  /// Normalises possibly negative axes, checking each is in range; names `op` on failure.
  func normalizedAxes(_ axes: [Int], op: String) -> [Int] {
    let result = axes.map { axis -> Int in
      let normalized = axis < 0 ? axis + rank : axis
      precondition(
        normalized >= 0 && normalized < Swift.max(rank, 1),
        "\(op): axis \(axis) is out of range for a tensor of shape \(shape)")
      return normalized
    }
    return Array(Set(result)).sorted()
  }

  /// The shape after reducing `axes` (kept as 1 or removed).
  func reducedShape(_ axes: [Int], keepingDims: Bool) -> [Int] {
    var result: [Int] = []
    for (axis, dim) in shape.enumerated() {
      if axes.contains(axis) {
        if keepingDims { result.append(1) }
      } else {
        result.append(dim)
      }
    }
    return result
  }

  /// Reduces one axis by viewing the tensor as `[outer, axis, inner]`, untraced.
  @inline(__always)
  func reduceAxis(
    _ axis: Int, initial: Float, _ combine: (Float, Float) -> Float
  ) -> Tensor {
    let n = shape[axis]
    let outer = shape[..<axis].reduce(1, *)
    let inner = shape[(axis + 1)...].reduce(1, *)
    var newShape = shape
    newShape[axis] = 1
    var out = [Float](repeating: initial, count: outer * inner)
    scalars.withUnsafeBufferPointer { src in
      out.withUnsafeMutableBufferPointer { dst in
        let s = src.baseAddress!
        let d = dst.baseAddress!
        for o in 0..<outer {
          let row = d + o * inner
          if inner == 1 {
            var acc = initial
            let base = s + o * n
            for k in 0..<n { acc = combine(acc, base[k]) }
            row[0] = acc
          } else {
            for k in 0..<n {
              let base = s + (o * n + k) * inner
              for i in 0..<inner { row[i] = combine(row[i], base[i]) }
            }
          }
        }
      }
    }
    return Tensor(shape: newShape, storage: out)
  }

  /// Sums one axis by viewing the tensor as `[outer, axis, inner]`, untraced. The running
  /// sums are `Double`, so long sums keep float32 accuracy: a `Float` running sum of 10⁷
  /// values of 0.1 ends at 1,087,937 rather than 1,000,000 (NumPy, summing pairwise,
  /// 1,000,000.06).
  func sumAxis(_ axis: Int) -> Tensor {
    let n = shape[axis]
    let outer = shape[..<axis].reduce(1, *)
    let inner = shape[(axis + 1)...].reduce(1, *)
    var newShape = shape
    newShape[axis] = 1
    var out = [Float](repeating: 0, count: outer * inner)
    var partial = [Double](repeating: 0, count: inner)
    scalars.withUnsafeBufferPointer { src in
      out.withUnsafeMutableBufferPointer { dst in
        partial.withUnsafeMutableBufferPointer { acc in
          for o in 0..<outer {
            let block = src.baseAddress! + o * n * inner
            if inner == 1 {
              dst[o] = Float(Self.doubleSum(block, count: n))
              continue
            }
            for i in 0..<inner { acc[i] = 0 }
            for k in 0..<n {
              let row = block + k * inner
              for i in 0..<inner { acc[i] += Double(row[i]) }
            }
            for i in 0..<inner { dst[o * inner + i] = Float(acc[i]) }
          }
        }
      }
    }
    return Tensor(shape: newShape, storage: out)
  }

  /// The sum of `count` contiguous values, in eight `Double` lanes.
  static func doubleSum(_ values: UnsafePointer<Float>, count: Int) -> Double {
    var lanes = SIMD8<Double>()
    var k = 0
    while k + 8 <= count {
      let chunk = UnsafeRawPointer(values + k).loadUnaligned(as: SIMD8<Float>.self)
      lanes += SIMD8<Double>(chunk)
      k += 8
    }
    var total = lanes.sum()
    while k < count {
      total += Double(values[k])
      k += 1
    }
    return total
  }

  /// Reduces all of `axes` (normalised), keeping them as 1s, untraced.
  @inline(__always)
  func reduceKeepingDims(
    _ axes: [Int], initial: Float, _ combine: (Float, Float) -> Float
  ) -> Tensor {
    var result = detached
    for axis in axes { result = result.reduceAxis(axis, initial: initial, combine) }
    return result
  }

  /// Broadcasts a gradient of a reduction back over the reduced axes.
  func expandGradient(_ grad: Tensor, axes: [Int], keptShape: [Int]) -> Tensor {
    let kept = grad.reshaped(to: keptShape)
    return Tensor.zipScalars(Tensor.zeros(shape), kept, op: "sum gradient") { $1 }
  }

  /// The sum over `axes` (all axes when `nil`), keeping them as size 1 when `keepingDims`.
  public func sum(alongAxes axes: [Int]? = nil, keepingDims: Bool = false) -> Tensor {
    let axes = normalizedAxes(axes ?? Array(0..<rank), op: "sum")
    var kept = detached
    for axis in axes { kept = kept.sumAxis(axis) }
    let value = kept.reshaped(to: reducedShape(axes, keepingDims: keepingDims))
    let keptShape = kept.shape
    let input = detached
    return Tensor.record(value, input: self) { grad in
      input.expandGradient(grad, axes: axes, keptShape: keptShape)
    }
  }

  /// The sum along one axis.
  public func sum(alongAxis axis: Int, keepingDims: Bool = false) -> Tensor {
    sum(alongAxes: [axis], keepingDims: keepingDims)
  }

  /// The arithmetic mean over `axes` (all axes when `nil`).
  public func mean(alongAxes axes: [Int]? = nil, keepingDims: Bool = false) -> Tensor {
    let normalized = normalizedAxes(axes ?? Array(0..<rank), op: "mean")
    let count = normalized.reduce(1) { $0 * shape[$1] }
    return sum(alongAxes: normalized, keepingDims: keepingDims).scaled(
      by: 1 / Float(Swift.max(count, 1)))
  }

  /// The mean along one axis.
  public func mean(alongAxis axis: Int, keepingDims: Bool = false) -> Tensor {
    mean(alongAxes: [axis], keepingDims: keepingDims)
  }

  /// The (population) variance over `axes` (all axes when `nil`): the mean of the squared
  /// deviations from the mean, NumPy's `var` with `ddof=0`.
  public func variance(alongAxes axes: [Int]? = nil, keepingDims: Bool = false) -> Tensor {
    let normalized = normalizedAxes(axes ?? Array(0..<rank), op: "variance")
    let deviations = self - mean(alongAxes: normalized, keepingDims: true)
    return deviations.square().mean(alongAxes: normalized, keepingDims: keepingDims)
  }

  /// The standard deviation over `axes` (all axes when `nil`): `√variance`, NumPy's `std`.
  public func standardDeviation(alongAxes axes: [Int]? = nil, keepingDims: Bool = false)
    -> Tensor
  {
    variance(alongAxes: axes, keepingDims: keepingDims).sqrt()
  }

  /// The largest value over `axes` (all axes when `nil`). The gradient is shared equally
  /// among the positions that hold the maximum, as TensorFlow and JAX do.
  public func max(alongAxes axes: [Int]? = nil, keepingDims: Bool = false) -> Tensor {
    extremum(axes, keepingDims: keepingDims, op: "max", initial: -.infinity) { Swift.max($0, $1) }
  }

  /// The smallest value over `axes` (all axes when `nil`); gradient as for
  /// ``max(alongAxes:keepingDims:)``.
  public func min(alongAxes axes: [Int]? = nil, keepingDims: Bool = false) -> Tensor {
    extremum(axes, keepingDims: keepingDims, op: "min", initial: .infinity) { Swift.min($0, $1) }
  }

  /// The largest value along one axis.
  public func max(alongAxis axis: Int, keepingDims: Bool = false) -> Tensor {
    max(alongAxes: [axis], keepingDims: keepingDims)
  }

  /// The smallest value along one axis.
  public func min(alongAxis axis: Int, keepingDims: Bool = false) -> Tensor {
    min(alongAxes: [axis], keepingDims: keepingDims)
  }

  private func extremum(
    _ axes: [Int]?, keepingDims: Bool, op: String, initial: Float,
    _ combine: @escaping (Float, Float) -> Float
  ) -> Tensor {
    precondition(scalarCount > 0, "\(op): cannot reduce an empty tensor of shape \(shape)")
    let axes = normalizedAxes(axes ?? Array(0..<rank), op: op)
    let kept = reduceKeepingDims(axes, initial: initial, combine)
    let value = kept.reshaped(to: reducedShape(axes, keepingDims: keepingDims))
    let input = detached
    return Tensor.record(value, input: self) { grad in
      let mask = Tensor.zipScalars(input, kept, op: op) { $0 == $1 ? 1 : 0 }
      let ties = mask.reduceKeepingDims(axes, initial: 0, +)
      let share = Tensor.zipScalars(grad.reshaped(to: kept.shape), ties, op: op) { $0 / $1 }
      return Tensor.zipScalars(mask, share, op: op) { $0 * $1 }
    }
  }

  /// The index of the largest value along `axis` (the first one on ties), as a tensor of
  /// indices stored as `Float`; the axis is removed from the shape.
  public func argmax(alongAxis axis: Int = -1) -> Tensor {
    let axis = normalizedAxes([axis], op: "argmax")[0]
    let n = shape[axis]
    precondition(n > 0, "argmax: axis \(axis) of shape \(shape) is empty")
    let outer = shape[..<axis].reduce(1, *)
    let inner = shape[(axis + 1)...].reduce(1, *)
    var out = [Float](repeating: 0, count: outer * inner)
    for o in 0..<outer {
      for i in 0..<inner {
        var best = scalars[o * n * inner + i]
        var bestIndex = 0
        for k in 1..<n {
          let v = scalars[(o * n + k) * inner + i]
          if v > best {
            best = v
            bestIndex = k
          }
        }
        out[o * inner + i] = Float(bestIndex)
      }
    }
    return Tensor(shape: reducedShape([axis], keepingDims: false), storage: out)
  }
}
