import Testing

@testable import StrataTensor

// The fused LSTM and GRU steps against the same step written with separate ops, and their
// gradients against finite differences; the ops a recurrent loop needs besides them.

/// Keras's LSTM step from separate ops: i, f, o = σ, g = tanh, c = f·c₋₁ + i·g, h = o·tanh(c).
private func composedLSTM(_ gates: Tensor, _ previous: Tensor) -> (Tensor, Tensor) {
  let units = previous.shape[1]
  let i = gates.slice(alongAxis: 1, from: 0, count: units).sigmoid()
  let f = gates.slice(alongAxis: 1, from: units, count: units).sigmoid()
  let g = gates.slice(alongAxis: 1, from: 2 * units, count: units).tanh()
  let o = gates.slice(alongAxis: 1, from: 3 * units, count: units).sigmoid()
  let c = f * previous + i * g
  return (o * c.tanh(), c)
}

@Test func lstmCellEqualsTheStepWrittenWithSeparateOps() {
  let gates = randomTensor([3, 20], seed: 1) * 3
  let previous = randomTensor([3, 5], seed: 2)
  let fused = Tensor.lstmCell(gates: gates, previousCell: previous)
  let (hidden, cell) = composedLSTM(gates, previous)
  // Same kernels, same order of roundings: the same bits.
  #expect(fused.hidden.scalars == hidden.scalars)
  #expect(fused.cell.scalars == cell.scalars)
}

@Test func lstmCellGradients() {
  let weightsH = randomTensor([2, 3], seed: 4)
  let weightsC = randomTensor([2, 3], seed: 5)
  expectGradientsMatch(at: [randomTensor([2, 12], seed: 6), randomTensor([2, 3], seed: 7)]) { p in
    let step = Tensor.lstmCell(gates: p[0], previousCell: p[1])
    return (step.hidden * weightsH).sum() + (step.cell * weightsC).sum()
  }
  // Two chained steps: the second reads both states of the first.
  expectGradientsMatch(at: [randomTensor([2, 12], seed: 8), randomTensor([2, 12], seed: 9)]) {
    p in
    let first = Tensor.lstmCell(gates: p[0], previousCell: Tensor.zeros([2, 3]))
    let second = Tensor.lstmCell(
      gates: p[1]
        + first.hidden.concatenated(
          with: first.hidden, first.hidden, first.hidden,
          alongAxis: 1), previousCell: first.cell)
    return (second.hidden * weightsH).sum()
  }
}

@Test func gruCellEqualsTheStepWrittenWithSeparateOps() {
  let x = randomTensor([3, 12], seed: 11) * 2
  let r = randomTensor([3, 12], seed: 12) * 2
  let previous = randomTensor([3, 4], seed: 13)
  let fused = Tensor.gruCell(inputProjection: x, recurrentProjection: r, previousHidden: previous)
  func part(_ t: Tensor, _ k: Int) -> Tensor { t.slice(alongAxis: 1, from: 4 * k, count: 4) }
  let z = (part(x, 0) + part(r, 0)).sigmoid()
  let reset = (part(x, 1) + part(r, 1)).sigmoid()
  let candidate = (part(x, 2) + reset * part(r, 2)).tanh()
  let expected = z * previous + (1 - z) * candidate
  expectClose(fused.scalars, expected.scalars, tolerance: 1e-6)
}

@Test func gruCellGradients() {
  let weights = randomTensor([2, 3], seed: 14)
  expectGradientsMatch(
    at: [
      randomTensor([2, 9], seed: 15), randomTensor([2, 9], seed: 16),
      randomTensor([2, 3], seed: 17),
    ]
  ) { p in
    (Tensor.gruCell(inputProjection: p[0], recurrentProjection: p[1], previousHidden: p[2])
      * weights).sum()
  }
}

@Test func selectingTakesEachRowFromTheChosenOperand() {
  let a = Tensor([[1, 2], [3, 4], [5, 6]])
  let b = Tensor([[-1, -2], [-3, -4], [-5, -6]])
  let mask = Tensor(shape: [3, 1], scalars: [1, 0, 1])
  #expect(Tensor.selecting(a, where: mask, otherwise: b).scalars == [1, 2, -3, -4, 5, 6])
  let (value, gradients) = valueWithGradient(at: [a, b]) { (p: [Tensor]) -> Tensor in
    (Tensor.selecting(p[0], where: mask, otherwise: p[1]) * Tensor([[1, 2]])).sum()
  }
  #expect(value.scalar == 1 + 4 - 3 - 8 + 5 + 12)
  #expect(gradients[0].scalars == [1, 2, 0, 0, 1, 2])
  #expect(gradients[1].scalars == [0, 0, 1, 2, 0, 0])
}

@Test func reversedFlipsOneAxisAndItsGradient() {
  let x = Tensor(shape: [2, 3, 1], scalars: [1, 2, 3, 4, 5, 6])
  #expect(x.reversed(alongAxis: 1).scalars == [3, 2, 1, 6, 5, 4])
  #expect(x.reversed(alongAxis: 0).scalars == [4, 5, 6, 1, 2, 3])
  let weights = randomTensor([2, 3, 1], seed: 21)
  expectGradientsMatch(at: [randomTensor([2, 3, 1], seed: 22)]) { p in
    (p[0].reversed(alongAxis: 1) * weights).sum()
  }
}

@Test func slicesOfTheFirstAxisAccumulateTheirGradientsInPlace() {
  // A time-major sequence read one step at a time, each step used twice: the gradient of
  // every step lands in its own rows of the input's gradient.
  let sequence = randomTensor([4, 2, 3], seed: 31)
  let weights = randomTensor([2, 3], seed: 32)
  let (_, gradients) = valueWithGradient(at: [sequence]) { (p: [Tensor]) -> Tensor in
    var total = Tensor(0)
    for t in 0..<4 {
      let step = p[0].rows(t..<(t + 1)).reshaped(to: [2, 3])
      total = total + (step * weights * Float(t + 1)).sum() + step.sum()
    }
    return total
  }
  var expected: [Float] = []
  for t in 0..<4 { expected += weights.scalars.map { $0 * Float(t + 1) + 1 } }
  expectClose(gradients[0].scalars, expected, tolerance: 1e-6)
  expectGradientsMatch(at: [randomTensor([3, 2], seed: 33)]) { p in
    (p[0].rows(0..<1) * p[0].rows(2..<3)).sum() + p[0].rows(1..<3).square().sum()
  }
}
