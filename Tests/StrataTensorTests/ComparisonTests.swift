import Testing

@testable import StrataTensor

@Test func comparisonsGiveMasks() {
  let a = Tensor([1, 2, 3])
  let b = Tensor([2, 2, 2])
  #expect(a.isGreater(than: b).scalars == [0, 0, 1])
  #expect(a.isGreaterOrEqual(to: b).scalars == [0, 1, 1])
  #expect(a.isLess(than: b).scalars == [1, 0, 0])
  #expect(a.isLessOrEqual(to: b).scalars == [1, 1, 0])
  #expect(a.isEqual(to: b).scalars == [0, 1, 0])
  #expect(a.isGreater(than: 1.5).scalars == [0, 1, 1])
  #expect(maximum(a, b).scalars == [2, 2, 3])
  #expect(minimum(a, b).scalars == [1, 2, 2])
  #expect(a.maximum(2.5).scalars == [2.5, 2.5, 3])
  #expect(!Tensor([1, .nan]).isFinite)
  #expect(Tensor([1, 2]).isFinite)
}

@Test func maximumAndMinimumGradients() {
  let a = randomTensor([3, 2], seed: 11)
  let b = randomTensor([2], seed: 12)
  expectGradientsMatch(at: [a, b]) { p in p[0].maximum(p[1]) * 2 + p[0].minimum(p[1]) }
}
