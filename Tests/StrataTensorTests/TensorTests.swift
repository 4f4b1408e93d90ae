import Testing

@testable import StrataTensor

@Test func nestedArrayInitializerKeepsRowMajorOrder() {
  let t = Tensor([[1, 2, 3], [4, 5, 6]])
  #expect(t.shape == [2, 3])
  #expect(t.rank == 2)
  #expect(t.scalarCount == 6)
  #expect(t.scalars == [1, 2, 3, 4, 5, 6])
  #expect(t[1, 0].scalar == 4)
  let cube = Tensor([[[1, 2], [3, 4]], [[5, 6], [7, 8]]])
  #expect(cube.shape == [2, 2, 2])
  #expect(cube[1, 0, 1].scalar == 6)
}

@Test func scalarsAndVectors() {
  #expect(Tensor(3).shape == [])
  #expect(Tensor(3).scalar == 3)
  #expect(Tensor([1, 2, 3]).shape == [3])
}

@Test func creationFunctionsMatchNumPy() {
  #expect(Tensor.zeros([2, 3]).scalars == [Float](repeating: 0, count: 6))
  #expect(Tensor.ones([2]).scalars == [1, 1])
  #expect(Tensor.full([2, 2], value: 7).scalars == [7, 7, 7, 7])
  #expect(Tensor.eye(3).scalars == [1, 0, 0, 0, 1, 0, 0, 0, 1])
  // np.linspace(0, 1, 5) = [0, .25, .5, .75, 1]
  #expect(Tensor.linspace(from: 0, to: 1, count: 5).scalars == [0, 0.25, 0.5, 0.75, 1])
  // np.arange(0, 5, 2) = [0, 2, 4]; np.arange(3) = [0, 1, 2]
  #expect(Tensor.arange(from: 0, to: 5, step: 2).scalars == [0, 2, 4])
  #expect(Tensor.arange(to: 3).scalars == [0, 1, 2])
}

@Test func copyOnWriteKeepsValueSemantics() {
  let a = Tensor([1, 2, 3])
  var b = a
  b[0] = Tensor(10)
  #expect(a.scalars == [1, 2, 3])
  #expect(b.scalars == [10, 2, 3])
}

@Test func descriptionIsNested() {
  #expect(Tensor([[1, 2], [3, 4]]).description == "[[1.0, 2.0],\n [3.0, 4.0]]")
  #expect(Tensor(2).description == "2.0")
}
