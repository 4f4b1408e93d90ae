// Reshaping, transposition, concatenation, slicing and gathering.

extension Tensor {
  /// The same values in a new shape; one dimension may be `-1` and is then inferred.
  public func reshaped(to newShape: [Int]) -> Tensor {
    var resolved = newShape
    let unknown = newShape.indices.filter { newShape[$0] == -1 }
    precondition(unknown.count <= 1, "reshaped(to:): at most one -1 is allowed, got \(newShape)")
    if let index = unknown.first {
      let known = newShape.enumerated().filter { $0.offset != index }.reduce(1) { $0 * $1.element }
      precondition(
        known > 0 && scalarCount % known == 0,
        "reshaped(to:): cannot reshape a tensor of shape \(shape) to \(newShape)")
      resolved[index] = scalarCount / known
    }
    precondition(
      resolved.allSatisfy { $0 >= 0 } && resolved.reduce(1, *) == scalarCount,
      "reshaped(to:): cannot reshape a tensor of shape \(shape) (\(scalarCount) values) to \(newShape)"
    )
    if resolved == shape { return self }
    let value = Tensor(shape: resolved, storage: scalars)
    let original = shape
    return Tensor.record(value, input: self) { $0.reshaped(to: original) }
  }

  /// The values as a rank-1 tensor.
  public func flattened() -> Tensor { reshaped(to: [-1]) }

  /// A new axis of size 1 inserted at `axis` (negative counts from the end of the result).
  public func expandingShape(at axis: Int) -> Tensor {
    let position = axis < 0 ? axis + rank + 1 : axis
    precondition(
      position >= 0 && position <= rank,
      "expandingShape(at:): axis \(axis) out of range for shape \(shape)")
    var newShape = shape
    newShape.insert(1, at: position)
    return reshaped(to: newShape)
  }

  /// The tensor without its size-1 axes (or only those in `axes`).
  public func squeezed(axes: [Int]? = nil) -> Tensor {
    let selected =
      axes.map { normalizedAxes($0, op: "squeezed") } ?? shape.indices.filter { shape[$0] == 1 }
    for axis in selected {
      precondition(shape[axis] == 1, "squeezed: axis \(axis) of shape \(shape) is not of size 1")
    }
    return reshaped(to: shape.enumerated().filter { !selected.contains($0.offset) }.map(\.element))
  }

  /// The axes reordered: result axis `i` is input axis `permutation[i]`.
  public func transposed(permutation: [Int]) -> Tensor {
    precondition(
      permutation.sorted() == Array(0..<rank),
      "transposed(permutation:): \(permutation) is not a permutation of the axes of shape \(shape)")
    let newShape = permutation.map { shape[$0] }
    var inputStrides = [Int](repeating: 1, count: rank)
    for axis in stride(from: rank - 2, through: 0, by: -1) {
      inputStrides[axis] = inputStrides[axis + 1] * shape[axis + 1]
    }
    let strides = permutation.map { inputStrides[$0] }
    // Trailing axes that keep their place stay contiguous: they are copied as runs (a
    // time-major sequence `[steps, batch, features]` from `[batch, steps, features]` is
    // `steps · batch` copies of `features` values).
    var kept = 0
    while kept < rank && permutation[rank - 1 - kept] == rank - 1 - kept { kept += 1 }
    let run = shape[(rank - kept)...].reduce(1, *)
    let outer = rank - kept
    var out = uninitializedScalars(scalarCount)
    if scalarCount > 0 {
      scalars.withUnsafeBufferPointer { source in
        out.withUnsafeMutableBufferPointer { destination in
          let (from, to) = (source.baseAddress!, destination.baseAddress!)
          var index = [Int](repeating: 0, count: Swift.max(outer, 1))
          var offset = 0
          for block in 0..<(scalarCount / run) {
            if run == 1 {
              to[block] = from[offset]
            } else {
              (to + block * run).update(from: from + offset, count: run)
            }
            var axis = outer - 1
            while axis >= 0 {
              index[axis] += 1
              offset += strides[axis]
              if index[axis] < newShape[axis] { break }
              offset -= strides[axis] * newShape[axis]
              index[axis] = 0
              axis -= 1
            }
          }
        }
      }
    }
    var inversePermutation = [Int](repeating: 0, count: rank)
    for (i, p) in permutation.enumerated() { inversePermutation[p] = i }
    let inverse = inversePermutation
    return Tensor.record(Tensor(shape: newShape, storage: out), input: self) {
      $0.transposed(permutation: inverse)
    }
  }

  /// The last two axes swapped (the matrix transpose for rank 2).
  public func transposed() -> Tensor {
    precondition(rank >= 2, "transposed(): needs rank ≥ 2, got shape \(shape)")
    var permutation = Array(0..<rank)
    permutation.swapAt(rank - 1, rank - 2)
    return transposed(permutation: permutation)
  }

  /// Tensors joined along `axis`; all other dimensions must agree.
  public static func concatenating(_ tensors: [Tensor], alongAxis axis: Int = 0) -> Tensor {
    precondition(!tensors.isEmpty, "concatenating: needs at least one tensor")
    let first = tensors[0]
    let axis = first.normalizedAxes([axis], op: "concatenating")[0]
    for t in tensors {
      var a = t.shape
      var b = first.shape
      precondition(
        a.count == b.count, "concatenating: shapes \(first.shape) and \(t.shape) differ in rank")
      a[axis] = 0
      b[axis] = 0
      precondition(
        a == b, "concatenating: shapes \(first.shape) and \(t.shape) differ off axis \(axis)")
    }
    let outer = first.shape[..<axis].reduce(1, *)
    let inners = tensors.map { $0.shape[axis...].reduce(1, *) }
    let total = inners.reduce(0, +)
    var out = [Float]()
    out.reserveCapacity(outer * total)
    for o in 0..<outer {
      for (t, inner) in zip(tensors, inners) {
        out.append(contentsOf: t.scalars[(o * inner)..<((o + 1) * inner)])
      }
    }
    var newShape = first.shape
    newShape[axis] = tensors.reduce(0) { $0 + $1.shape[axis] }
    let sizes = tensors.map { $0.shape[axis] }
    return record(Tensor(shape: newShape, storage: out), inputs: tensors) { grad, needs in
      var start = 0
      return sizes.enumerated().map { i, size in
        defer { start += size }
        return needs[i] ? grad.slice(alongAxis: axis, from: start, count: size) : nil
      }
    }
  }

  /// This tensor and `others` joined along `axis`.
  public func concatenated(with others: Tensor..., alongAxis axis: Int = 0) -> Tensor {
    Tensor.concatenating([self] + others, alongAxis: axis)
  }

  /// `count` consecutive entries along `axis`, starting at `start`.
  public func slice(alongAxis axis: Int, from start: Int, count: Int) -> Tensor {
    let axis = normalizedAxes([axis], op: "slice")[0]
    precondition(
      start >= 0 && count >= 0 && start + count <= shape[axis],
      "slice: range \(start)..<\(start + count) is out of bounds for axis \(axis) of shape \(shape)"
    )
    let outer = shape[..<axis].reduce(1, *)
    let inner = shape[(axis + 1)...].reduce(1, *)
    let n = shape[axis]
    var out = [Float]()
    out.reserveCapacity(outer * count * inner)
    for o in 0..<outer {
      let begin = (o * n + start) * inner
      out.append(contentsOf: scalars[begin..<(begin + count * inner)])
    }
    var newShape = shape
    newShape[axis] = count
    if outer == 1 {
      // One contiguous run (rows of the first axis, a time step of a time-major sequence).
      return Tensor.recordContiguousSlice(
        Tensor(shape: newShape, storage: out), of: self, offset: start * inner)
    }
    let original = shape
    return Tensor.record(Tensor(shape: newShape, storage: out), input: self) { grad in
      var full = [Float](repeating: 0, count: original.reduce(1, *))
      for o in 0..<outer {
        let begin = (o * n + start) * inner
        for i in 0..<(count * inner) { full[begin + i] = grad.scalars[o * count * inner + i] }
      }
      return Tensor(shape: original, storage: full)
    }
  }

  /// The entries along `axis` in reverse order (NumPy's `flip`): how a backward recurrent
  /// layer's outputs are put back in time order. The gradient is reversed the same way.
  public func reversed(alongAxis axis: Int) -> Tensor {
    let axis = normalizedAxes([axis], op: "reversed")[0]
    let outer = shape[..<axis].reduce(1, *)
    let inner = shape[(axis + 1)...].reduce(1, *)
    let n = shape[axis]
    var out = uninitializedScalars(scalarCount)
    scalars.withUnsafeBufferPointer { source in
      out.withUnsafeMutableBufferPointer { destination in
        for o in 0..<outer {
          for i in 0..<n {
            let from = (o * n + i) * inner
            let to = (o * n + n - 1 - i) * inner
            for j in 0..<inner { destination[to + j] = source[from + j] }
          }
        }
      }
    }
    return Tensor.record(Tensor(shape: shape, storage: out), input: self) {
      $0.reversed(alongAxis: axis)
    }
  }

  /// Rows `range` of the first axis (a mini-batch of a data set).
  public func rows(_ range: Range<Int>) -> Tensor {
    precondition(rank >= 1, "rows(_:): needs rank ≥ 1, got a scalar")
    return slice(alongAxis: 0, from: range.lowerBound, count: range.count)
  }

  /// The rows at `indices` of the first axis, in that order (a shuffled mini-batch). Only the
  /// selected rows are copied.
  public func gatheringRows(_ indices: [Int]) -> Tensor {
    precondition(rank >= 1, "gatheringRows: needs rank ≥ 1, got a scalar")
    let n = shape[0]
    let width = n == 0 ? 0 : scalarCount / n
    var out = [Float](unsafeUninitializedCapacity: indices.count * width) { buffer, initialized in
      initialized = indices.count * width
    }
    scalars.withUnsafeBufferPointer { src in
      out.withUnsafeMutableBufferPointer { dst in
        for (row, index) in indices.enumerated() {
          precondition(
            index >= 0 && index < n, "gatheringRows: index \(index) is out of range for \(n) rows")
          (dst.baseAddress! + row * width).update(
            from: src.baseAddress! + index * width, count: width)
        }
      }
    }
    var newShape = shape
    newShape[0] = indices.count
    let original = shape
    return Tensor.record(Tensor(shape: newShape, storage: out), input: self) { grad in
      var full = [Float](repeating: 0, count: original.reduce(1, *))
      for (row, index) in indices.enumerated() {
        for j in 0..<width { full[index * width + j] += grad.scalars[row * width + j] }
      }
      return Tensor(shape: original, storage: full)
    }
  }
}
