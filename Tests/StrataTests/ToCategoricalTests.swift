import Testing

@testable import Strata

@Test func toCategoricalMakesOneHotRowsAsKerasDoes() throws {
  // keras.utils.to_categorical([0, 2, 1, 2]) = [[1,0,0],[0,0,1],[0,1,0],[0,0,1]]
  let rows = try toCategorical(Tensor([0, 2, 1, 2]))
  #expect(rows.shape == [4, 3])
  #expect(rows.scalars == [1, 0, 0, 0, 0, 1, 0, 1, 0, 0, 0, 1])
  #expect(try toCategorical(Tensor([[1], [0]]), numClasses: 4).shape == [2, 4])
  expectStrataError(.invalidData, containing: "the label 3.0 at position 1") {
    _ = try toCategorical(Tensor([0, 3]), numClasses: 3)
  }
  expectStrataError(.invalidData, containing: "1.5") { _ = try toCategorical(Tensor([1.5])) }
}
