import Testing

@testable import StrataTensor

@Test func nestedArrayInitializerKeepsRowMajorOrder() {
  let t = Tensor([[1, 2, 3], [4, 5, 6]])
  #expect(t.shape == [2, 3])
  #expect(t.scalars == [1, 2, 3, 4, 5, 6])
  #expect(t[1, 0] == 4)
}
