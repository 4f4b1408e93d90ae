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

@Test func globalAveragePooling1DAveragesTheRealStepsOnly() throws {
  // Keras 3.15.1 (JAX): Embedding(4, 3, mask_zero=True) → GlobalAveragePooling1D →
  // Dense(1); weight i = linspace(-0.5, 0.5, size) reshaped, times -0.7 for odd i; SGD(0.1),
  // "mse", fit(batch_size=3, epochs=2, shuffle=False): the padding id's embedding (row 0)
  // gets no gradient.
  let model = Sequential {
    Input(shape: [4])
    Embedding(inputDim: 4, outputDim: 3, maskZero: true)
    GlobalAveragePooling1D()
    Dense(units: 1)
  }
  let shapes = [[4, 3], [3, 1], [1]]
  try model.setWeights(linspaceWeights(shapes, oddFactor: -0.7))
  let x = Tensor([[1, 2, 3, 0], [2, 3, 0, 0], [3, 1, 2, 1]])
  expectClose(
    try model.predict(x, verbose: 0).scalars,
    [-0.5636363625526428, -0.5636363625526428, -0.5636363625526428])
  model.compile(optimizer: .sgd(learningRate: 0.1), loss: .meanSquaredError)
  let history = try model.fit(
    x, Tensor([[0.5], [-0.2], [1.0]]), epochs: 2, batchSize: 3, shuffle: false, verbose: 0)
  expectClose(history["loss"]!, [1.2361706495285034, 0.8370417952537537])
  expectClose(
    model.layers[0].getWeights()[0].scalars,
    [
      -0.5, -0.40909090638160706, -0.3181818127632141, -0.1782875806093216,
      -0.13488434255123138, -0.09148110449314117, 0.08313492685556412, 0.1374198943376541,
      0.1917048543691635, 0.35586220026016235, 0.41014716029167175, 0.46443212032318115,
    ])
}
