import Testing

@testable import StrataTensor

@Test func broadcastingFollowsNumPy() {
  let m = Tensor([[1, 2, 3], [4, 5, 6]])
  // m + [10, 20, 30] broadcasts the row; m + [[100], [200]] broadcasts the column.
  #expect((m + Tensor([10, 20, 30])).scalars == [11, 22, 33, 14, 25, 36])
  #expect((m + Tensor([[100], [200]])).scalars == [101, 102, 103, 204, 205, 206])
  #expect((m * 2).scalars == [2, 4, 6, 8, 10, 12])
  #expect((1 - m).scalars == [0, -1, -2, -3, -4, -5])
  #expect((m / Tensor([1, 2, 4])).scalars == [1, 1, 0.75, 4, 2.5, 1.5])
  // [2,1,3] + [4,1] -> [2,4,3] (np.broadcast_shapes((2,1,3),(4,1)) == (2,4,3))
  let a = Tensor(shape: [2, 1, 3], scalars: [0, 1, 2, 3, 4, 5])
  let b = Tensor(shape: [4, 1], scalars: [0, 10, 20, 30])
  let c = a + b
  #expect(c.shape == [2, 4, 3])
  #expect(c[1, 2, 1].scalar == 24)
  #expect(Tensor.broadcastShape([5, 1, 4], [3, 1], op: "test") == [5, 3, 4])
}

@Test func scalarTensorBroadcasts() {
  #expect((Tensor([1, 2]) - Tensor(1)).scalars == [0, 1])
  #expect((Tensor(1) - Tensor([1, 2])).scalars == [0, -1])
}

@Test func gradientsReduceOverBroadcastAxes() {
  let x = randomTensor([3, 4], seed: 1)
  let row = randomTensor([4], seed: 2)
  let column = randomTensor([3, 1], seed: 3)
  expectGradientsMatch(at: [x, row, column]) { p in (p[0] + p[1]) * p[2] - p[1] }
  expectGradientsMatch(at: [x, row]) { p in p[0] / (p[1].square() + 1) }
  expectGradientsMatch(at: [x]) { p in (-p[0] * 3 + 2) / 4 - 1 }
  let grads = gradient(at: [x, row]) { p in (p[0] + p[1]).sum() }
  #expect(grads[1].shape == [4])
  #expect(grads[1].scalars == [3, 3, 3, 3])
}
