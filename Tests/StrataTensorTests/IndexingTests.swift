import Testing

@testable import StrataTensor

// Expected values as NumPy gives them for x = np.arange(24).reshape(2, 3, 4).
let indexed = Tensor(shape: [2, 3, 4], scalars: (0..<24).map(Float.init))

@Test func anIntegerIndexRemovesItsAxis() {
  // x[1] → shape (3, 4), values 12…23; x[1, 2] → [20, 21, 22, 23]; x[1, 2, 3] → 23.
  #expect(indexed[1].shape == [3, 4])
  #expect(indexed[1].scalars == (12..<24).map(Float.init))
  #expect(indexed[1, 2].scalars == [20, 21, 22, 23])
  #expect(indexed[1, 2, 3].shape == [])
  #expect(indexed[1, 2, 3].scalar == 23)
  // A matrix's row: the crash of `x[0]` on a matrix before.
  #expect(Tensor([[1, 2], [3, 4]])[0] == Tensor([1, 2]))
}

@Test func rangesKeepTheirAxis() {
  // x[0:1] → (1, 3, 4); x[:, 1:] → (2, 2, 4); x[..., 0] (NumPy x[:, 0]) → [[0,1,2,3],[12,…]].
  #expect(indexed[0..<1].shape == [1, 3, 4])
  #expect(indexed[0..., 1...].shape == [2, 2, 4])
  #expect(indexed[0..., 1...][0, 0].scalars == [4, 5, 6, 7])
  #expect(indexed[..., 0] == Tensor([[0, 1, 2, 3], [12, 13, 14, 15]]))
  // x[1, :2, 1:3] → [[13, 14], [17, 18]]; closed and partial ranges spell the same.
  #expect(indexed[1, ..<2, 1..<3] == Tensor([[13, 14], [17, 18]]))
  #expect(indexed[1, ...1, 1...2] == Tensor([[13, 14], [17, 18]]))
  // An empty range gives an empty axis, as in NumPy: x[2:] has shape (0, 3, 4).
  #expect(indexed[2...].shape == [0, 3, 4])
}

@Test func assigningWritesTheSelection() {
  var x = Tensor.zeros([2, 3])
  x[1] = Tensor([1, 2, 3])
  x[0, 1...] = Tensor(7)
  #expect(x == Tensor([[0, 7, 7], [1, 2, 3]]))
}

@Test func gradientsFlowThroughASelection() {
  // d/dx Σ x[1, 1...]² is 2x on the selected entries and 0 elsewhere.
  expectGradientsMatch(at: [randomTensor([3, 4], seed: 11)]) { p in p[0][1, 1...].square() }
  let (_, grads) = valueWithGradient(at: [Tensor([[1, 2], [3, 4]])]) { p in p[0][..., 1].sum() }
  #expect(grads[0] == Tensor([[0, 1], [0, 1]]))
}

@Test func booleanMasksSelectValuesOrRows() {
  let x = Tensor([[1, 2], [3, 4], [5, 6]])
  // NumPy: x[x > 2] = [3, 4, 5, 6]; x[np.array([True, False, True])] = [[1, 2], [5, 6]].
  #expect(x[where: x.isGreater(than: 2)].scalars == [3, 4, 5, 6])
  let rows = x[where: Tensor([1, 0, 1])]
  #expect(rows.shape == [2, 2] && rows.scalars == [1, 2, 5, 6])
  // (a == b).mean(): the share of equal entries, NumPy's idiom for accuracy.
  #expect(Tensor([1, 2, 3, 4]).isEqual(to: Tensor([1, 0, 3, 0])).mean().scalar == 0.5)
  let (_, gradients) = valueWithGradient(at: [x]) { p in p[0][where: Tensor([0, 1, 1])].sum() }
  #expect(gradients[0].scalars == [0, 0, 1, 1, 1, 1])
}
