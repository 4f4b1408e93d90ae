// NumPy-style subscripts: a row, a range of rows, ranges on several axes.

/// One entry of a tensor subscript, as in NumPy: an integer picks one position and removes the
/// axis (`x[0]` is the first row), a range keeps the axis (`x[0..<2]`, `x[2...]`, `x[..<3]`).
public protocol TensorIndex {
  /// The positions selected along an axis of `size`, and whether the axis is kept; `nil` when
  /// they are out of bounds.
  func selection(forAxisOfSize size: Int) -> (positions: Range<Int>, keepsAxis: Bool)?
}

extension Int: TensorIndex {
  /// This one position, the axis removed.
  public func selection(forAxisOfSize size: Int) -> (positions: Range<Int>, keepsAxis: Bool)? {
    (0..<size).contains(self) ? (self..<(self + 1), false) : nil
  }
}

extension Range: TensorIndex where Bound == Int {
  /// These positions, the axis kept.
  public func selection(forAxisOfSize size: Int) -> (positions: Range<Int>, keepsAxis: Bool)? {
    lowerBound >= 0 && upperBound <= size ? (self, true) : nil
  }
}

extension ClosedRange: TensorIndex where Bound == Int {
  /// These positions, the axis kept.
  public func selection(forAxisOfSize size: Int) -> (positions: Range<Int>, keepsAxis: Bool)? {
    lowerBound >= 0 && upperBound < size ? (lowerBound..<(upperBound + 1), true) : nil
  }
}

extension PartialRangeFrom: TensorIndex where Bound == Int {
  /// From `lowerBound` to the end, the axis kept.
  public func selection(forAxisOfSize size: Int) -> (positions: Range<Int>, keepsAxis: Bool)? {
    lowerBound >= 0 && lowerBound <= size ? (lowerBound..<size, true) : nil
  }
}

extension PartialRangeUpTo: TensorIndex where Bound == Int {
  /// From the start up to `upperBound`, the axis kept.
  public func selection(forAxisOfSize size: Int) -> (positions: Range<Int>, keepsAxis: Bool)? {
    upperBound >= 0 && upperBound <= size ? (0..<upperBound, true) : nil
  }
}

extension PartialRangeThrough: TensorIndex where Bound == Int {
  /// From the start through `upperBound`, the axis kept.
  public func selection(forAxisOfSize size: Int) -> (positions: Range<Int>, keepsAxis: Bool)? {
    upperBound >= 0 && upperBound < size ? (0..<(upperBound + 1), true) : nil
  }
}

extension Tensor {
  /// The part of the tensor that `indices` select, NumPy's basic indexing: `x[0]` is the first
  /// row (one axis fewer), `x[1..<3]` two rows, `x[0..., 2]` the third column, `x[1, 2]` one
  /// value as a rank-0 tensor (`x[1, 2].scalar` is the `Float`). Axes not mentioned are kept
  /// whole. Gradients flow through a read.
  ///
  /// An index out of bounds, or more indices than axes, stops the program with a message that
  /// names the index and the shape, as an out-of-range `Array` index does.
  ///
  /// Assigning writes `newValue` (of the selection's shape, or a single value) into the
  /// selection; the tensor stops being traced.
  public subscript(_ indices: any TensorIndex...) -> Tensor {
    get { selecting(indices) }
    set { assign(newValue, to: indices) }
  }

  /// Every position of the first axis, then `rest`: `x[..., 0]` is the first column.
  public subscript(_ all: UnboundedRange, _ rest: any TensorIndex...) -> Tensor {
    get { selecting([0...] + rest) }
    set { assign(newValue, to: [0...] + rest) }
  }

  /// NumPy's boolean indexing, `x[mask]`: with a mask of this tensor's shape, the values where
  /// it is non-zero, as a rank-1 tensor; with a rank-1 mask as long as the first axis, the rows
  /// where it is non-zero (`images[where: labels.isEqual(to: Tensor(3))]`, every image of class
  /// 3). Gradients flow to the selected values.
  public subscript(where mask: Tensor) -> Tensor {
    if mask.shape == shape {
      let positions = mask.scalars.indices.filter { mask.scalars[$0] != 0 }
      return reshaped(to: [scalarCount, 1]).gatheringRows(positions).reshaped(to: [-1])
    }
    precondition(
      mask.rank == 1 && rank >= 1 && mask.shape[0] == shape[0],
      "Tensor subscript(where:): the mask's shape \(mask.shape) is neither the tensor's \(shape) nor [\(rank >= 1 ? shape[0] : 0)]"
    )
    return gatheringRows(mask.scalars.indices.filter { mask.scalars[$0] != 0 })
  }

  /// The selected positions per axis and the shape of the result.
  private func block(_ indices: [any TensorIndex]) -> (ranges: [Range<Int>], shape: [Int]) {
    precondition(
      indices.count <= rank,
      "Tensor subscript: \(indices.count) indices for a tensor of shape \(shape)")
    var ranges: [Range<Int>] = []
    var resultShape: [Int] = []
    for axis in 0..<rank {
      guard axis < indices.count else {
        ranges.append(0..<shape[axis])
        resultShape.append(shape[axis])
        continue
      }
      guard let selection = indices[axis].selection(forAxisOfSize: shape[axis]) else {
        preconditionFailure(
          "Tensor subscript: \(indices[axis]) is out of range for axis \(axis) of shape \(shape)")
      }
      ranges.append(selection.positions)
      if selection.keepsAxis { resultShape.append(selection.positions.count) }
    }
    return (ranges, resultShape)
  }

  /// Calls `body(source, destination, count)` for each contiguous run of the block, with
  /// offsets into this tensor and into the block's own row-major layout.
  private static func forEachRun(
    shape: [Int], of ranges: [Range<Int>], _ body: (Int, Int, Int) -> Void
  ) {
    let rank = shape.count
    guard rank > 0 else {
      body(0, 0, 1)
      return
    }
    guard ranges.allSatisfy({ !$0.isEmpty }) else { return }
    var strides = [Int](repeating: 1, count: rank)
    for axis in stride(from: rank - 2, through: 0, by: -1) {
      strides[axis] = strides[axis + 1] * shape[axis + 1]
    }
    let run = ranges[rank - 1].count
    var position = ranges.map(\.lowerBound)
    var destination = 0
    while true {
      let source = zip(position, strides).reduce(0) { $0 + $1.0 * $1.1 }
      body(source, destination, run)
      destination += run
      var axis = rank - 2
      while axis >= 0 {
        position[axis] += 1
        if position[axis] < ranges[axis].upperBound { break }
        position[axis] = ranges[axis].lowerBound
        axis -= 1
      }
      if axis < 0 { return }
    }
  }

  private func selecting(_ indices: [any TensorIndex]) -> Tensor {
    let (ranges, resultShape) = block(indices)
    var out = [Float]()
    out.reserveCapacity(resultShape.reduce(1, *))
    scalars.withUnsafeBufferPointer { source in
      Tensor.forEachRun(shape: shape, of: ranges) { from, _, count in
        out.append(contentsOf: source[from..<(from + count)])
      }
    }
    let value = Tensor(shape: resultShape, storage: out)
    guard isTraced else { return value }
    let original = detached
    return Tensor.record(value, input: self) { grad in
      var full = [Float](repeating: 0, count: original.scalarCount)
      Tensor.forEachRun(shape: original.shape, of: ranges) { to, from, count in
        for i in 0..<count { full[to + i] = grad.scalars[from + i] }
      }
      return Tensor(shape: original.shape, storage: full)
    }
  }

  private mutating func assign(_ newValue: Tensor, to indices: [any TensorIndex]) {
    let (ranges, resultShape) = block(indices)
    let count = resultShape.reduce(1, *)
    precondition(
      newValue.shape == resultShape || newValue.scalarCount == 1,
      "Tensor subscript: cannot assign a tensor of shape \(newValue.shape) to a selection of shape \(resultShape)"
    )
    let values =
      newValue.scalarCount == 1 && count != 1
      ? [Float](repeating: newValue.scalars[0], count: count) : newValue.scalars
    let shape = self.shape
    trace = nil
    scalars.withUnsafeMutableBufferPointer { destination in
      Tensor.forEachRun(shape: shape, of: ranges) { to, from, run in
        for i in 0..<run { destination[to + i] = values[from + i] }
      }
    }
  }
}
