import Testing

@testable import StrataTensor

@Test func reshapeInfersOneDimension() {
  let t = Tensor(shape: [2, 6], scalars: (0..<12).map(Float.init))
  #expect(t.reshaped(to: [3, -1]).shape == [3, 4])
  #expect(t.flattened().shape == [12])
  #expect(t.expandingShape(at: 0).shape == [1, 2, 6])
  #expect(t.expandingShape(at: -1).shape == [2, 6, 1])
  #expect(t.expandingShape(at: 1).squeezed().shape == [2, 6])
}

@Test func transposeAndPermutation() {
  let t = Tensor([[1, 2, 3], [4, 5, 6]])
  #expect(t.transposed().scalars == [1, 4, 2, 5, 3, 6])
  let cube = Tensor(shape: [2, 3, 4], scalars: (0..<24).map(Float.init))
  // np.arange(24).reshape(2,3,4).transpose(2,0,1)[3,1,2] == 23
  let p = cube.transposed(permutation: [2, 0, 1])
  #expect(p.shape == [4, 2, 3])
  #expect(p[3, 1, 2].scalar == 23)
  #expect(p[1, 0, 2].scalar == 9)
}

@Test func concatenationSlicingAndGathering() {
  let a = Tensor([[1, 2], [3, 4]])
  let b = Tensor([[5, 6]])
  #expect(a.concatenated(with: b, alongAxis: 0).scalars == [1, 2, 3, 4, 5, 6])
  #expect(a.concatenated(with: Tensor([[9], [8]]), alongAxis: 1).scalars == [1, 2, 9, 3, 4, 8])
  let t = Tensor(shape: [4, 2], scalars: (0..<8).map(Float.init))
  #expect(t.rows(1..<3).scalars == [2, 3, 4, 5])
  #expect(t.slice(alongAxis: 1, from: 1, count: 1).scalars == [1, 3, 5, 7])
  #expect(t.gatheringRows([3, 0, 3]).scalars == [6, 7, 0, 1, 6, 7])
}

@Test func shapeOpGradients() {
  let x = randomTensor([3, 4], seed: 31)
  let y = randomTensor([3, 2], seed: 32)
  expectGradientsMatch(at: [x]) { p in p[0].reshaped(to: [2, 6]) * Tensor.arange(to: 6) }
  expectGradientsMatch(at: [x]) { p in p[0].transposed() * Tensor.arange(to: 3) }
  expectGradientsMatch(at: [x, y]) { p in Tensor.concatenating([p[0], p[1]], alongAxis: 1).square()
  }
  expectGradientsMatch(at: [x]) { p in p[0].slice(alongAxis: 1, from: 1, count: 2).square() }
  expectGradientsMatch(at: [x]) { p in p[0].gatheringRows([2, 0, 2]).square() }
  expectGradientsMatch(at: [x]) { p in p[0].rows(1..<3).exp() }
}
