import Testing

@testable import Strata

@Test func poolingLayersFollowKerasSizes() throws {
  // strides default to pool_size; valid ⌊(in − k)/s⌋ + 1, same ⌈in / s⌉.
  #expect(try MaxPooling2D().outputShape(forInputShape: [13, 13, 8]) == [6, 6, 8])
  #expect(try MaxPooling2D(padding: .same).outputShape(forInputShape: [13, 13, 8]) == [7, 7, 8])
  #expect(
    try AveragePooling2D(poolSize: 3, strides: 1).outputShape(forInputShape: [5, 5, 2]) == [
      3, 3, 2,
    ])
  #expect(try MaxPooling1D(poolSize: 3).outputShape(forInputShape: [10, 4]) == [3, 4])
  #expect(try AveragePooling1D(padding: .same).outputShape(forInputShape: [5, 4]) == [3, 4])
  let sequence = Tensor(shape: [1, 4, 1], scalars: [1, 5, 2, 8])
  #expect(try MaxPooling1D()(sequence).scalars == [5, 8])
  #expect(try AveragePooling1D()(sequence).scalars == [3, 5])
  expectStrataError(
    .shapeMismatch, containing: "the pool [4, 4] does not fit the input (None, 3, 3, 1)"
  ) {
    _ = try MaxPooling2D(poolSize: 4)(Tensor.zeros([1, 3, 3, 1]))
  }
  expectStrataError(.invalidArgument, containing: "poolSize=[0, 2]") {
    _ = try AveragePooling2D(poolSize: [0, 2]).outputShape(forInputShape: [4, 4, 1])
  }
  try expectRoundTrip(
    MaxPooling2D(poolSize: [2, 3], strides: 1, padding: .same), inputShape: [4, 5, 2])
  try expectRoundTrip(AveragePooling2D(poolSize: 2, padding: .same), inputShape: [5, 5, 1])
  try expectRoundTrip(MaxPooling1D(poolSize: 3, strides: 2), inputShape: [9, 2])
  try expectRoundTrip(AveragePooling1D(poolSize: 2, padding: .same), inputShape: [5, 3])
}

@Test func globalPoolingReducesEverySpatialAxis() throws {
  let x = Tensor(shape: [1, 2, 2, 2], scalars: [1, 10, 2, 20, 3, 30, 4, 40])
  #expect(try GlobalAveragePooling2D()(x).scalars == [2.5, 25])
  #expect(try GlobalMaxPooling2D()(x).scalars == [4, 40])
  #expect(try GlobalAveragePooling2D(keepDims: true)(x).shape == [1, 1, 1, 2])
  let sequence = Tensor(shape: [1, 3, 1], scalars: [1, 4, 7])
  #expect(try GlobalAveragePooling1D()(sequence).scalars == [4])
  #expect(try GlobalMaxPooling1D()(sequence).scalars == [7])
  expectStrataError(.shapeMismatch, containing: "expected inputs of rank 4") {
    _ = try GlobalMaxPooling2D()(Tensor.zeros([2, 3]))
  }
  try expectRoundTrip(GlobalAveragePooling2D(), inputShape: [3, 3, 2])
  try expectRoundTrip(GlobalMaxPooling2D(keepDims: true), inputShape: [3, 3, 2])
  try expectRoundTrip(GlobalAveragePooling1D(), inputShape: [4, 2])
  try expectRoundTrip(GlobalMaxPooling1D(), inputShape: [4, 2])
}
