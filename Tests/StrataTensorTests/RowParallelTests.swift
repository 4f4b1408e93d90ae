import Testing

@testable import StrataTensor

// `Tensor.rowParallel`: the rows of a batch split across threads, each slice on its own tape.

/// A small recurrence, rows independent: h ← tanh(x_t + h·u) over the columns of `x` `[b, 3·n]`
/// read as three steps of width n, then the last h scaled per row by `scale` `[b, 1]`.
private func recurrence(_ x: Tensor, _ scale: Tensor, _ u: Tensor) -> Tensor {
  let (batch, width) = (x.shape[0], u.shape[0])
  let product = RepeatedProduct(weight: u)
  var h = Tensor.zeros([batch, width])
  for t in 0..<3 {
    h = product(h, adding: x.slice(alongAxis: 1, from: t * width, count: width)).tanh()
  }
  return h * scale
}

@Test(arguments: [2, 3, 5])
func rowParallelGivesTheValuesOfOnePass(parts: Int) throws {
  let x = randomTensor([5, 12], seed: 1)
  let scale = randomTensor([5, 1], seed: 2)
  let u = randomTensor([4, 4], seed: 3) * 0.5
  let whole = recurrence(x, scale, u)
  let split = try Tensor.rowParallel([x, scale], sharing: [u], parts: parts) { rows, shared in
    recurrence(rows[0], rows[1], shared[0])
  }
  // Every kernel computes a row the same way in a smaller batch: the same bits.
  #expect(split.shape == [5, 4])
  #expect(split.scalars == whole.scalars)
}

@Test(arguments: [2, 3])
func rowParallelGradientsMatchFiniteDifferences(parts: Int) {
  let weights = randomTensor([5, 4], seed: 4)
  expectGradientsMatch(
    at: [
      randomTensor([5, 12], seed: 5), randomTensor([5, 1], seed: 6), randomTensor([4, 4], seed: 7),
    ]
  ) { p in
    let y = try! Tensor.rowParallel([p[0], p[1]], sharing: [p[2]], parts: parts) {
      rows, shared in recurrence(rows[0], rows[1], shared[0])
    }
    return y * weights
  }
}

@Test func rowParallelGradientsEqualThoseOfOnePass() throws {
  let x = randomTensor([6, 12], seed: 8)
  let scale = randomTensor([6, 1], seed: 9)
  let u = randomTensor([4, 4], seed: 10) * 0.5
  let weights = randomTensor([6, 4], seed: 11)
  let whole = gradient(at: [x, scale, u]) { p in (recurrence(p[0], p[1], p[2]) * weights).sum() }
  let split = try gradient(at: [x, scale, u]) { p in
    try
      (Tensor.rowParallel([p[0], p[1]], sharing: [p[2]], parts: 2) { rows, shared in
        recurrence(rows[0], rows[1], shared[0])
      } * weights).sum()
  }
  // The batched inputs' gradients are row by row: the same bits. The shared weight's is a sum
  // over the rows taken in two halves: equal up to rounding.
  #expect(split[0].scalars == whole[0].scalars)
  #expect(split[1].scalars == whole[1].scalars)
  expectClose(split[2].scalars, whole[2].scalars, tolerance: 1e-6)
  #expect(split[2].scalars != Tensor.zeros([4, 4]).scalars)
}

@Test func rowParallelLeavesUntracedInputsWithoutGradient() throws {
  let x = randomTensor([4, 12], seed: 12)
  let constantScale = randomTensor([4, 1], seed: 13)
  let u = randomTensor([4, 4], seed: 14) * 0.5
  // Only the weight is traced: the slices' tapes hold the weight's leaf only.
  let split = try gradient(at: [u]) { p in
    try Tensor.rowParallel([x, constantScale], sharing: [p[0]], parts: 2) { rows, shared in
      recurrence(rows[0], rows[1], shared[0])
    }.sum()
  }
  let whole = gradient(at: [u]) { p in recurrence(x, constantScale, p[0]).sum() }
  expectClose(split[0].scalars, whole[0].scalars, tolerance: 1e-6)
}

private struct SliceFailure: Error, Equatable { let firstRow: Float }

@Test func rowParallelThrowsTheFirstFailingSlicesError() {
  // Rows hold their own index; the slices starting at rows 2 and 4 (of 0, 2, 4) fail.
  let x = Tensor(shape: [6, 1], scalars: (0..<6).map(Float.init))
  #expect(throws: SliceFailure(firstRow: 2)) {
    try Tensor.rowParallel([x], parts: 3) { rows, _ in
      let first = rows[0].scalars[0]
      if first > 0 { throw SliceFailure(firstRow: first) }
      return rows[0]
    }
  }
}

@Test func rowParallelWithOnePartRunsTheBodyOnTheWholeBatch() throws {
  let x = randomTensor([3, 2], seed: 15)
  var seen: [[Int]] = []
  _ = try Tensor.rowParallel([x], parts: 1) { rows, _ in
    seen.append(rows[0].shape)
    return rows[0]
  }
  #expect(seen == [[3, 2]])
}
