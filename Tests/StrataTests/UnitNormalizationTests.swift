import Testing

@testable import Strata

@Test func unitNormalizationMatchesKeras() throws {
  // Keras 3.15.1 (JAX): keras.layers.UnitNormalization()(x) and (axis=[1, 2])(x) for this x.
  let x = Tensor([[[1, 2], [3, -4]], [[0, 0], [0.5, 0.25]]])
  expectClose(
    try UnitNormalization()(x).scalars,
    [0.4472135901, 0.8944271803, 0.6000000238, -0.8000000119, 0, 0, 0.8944271803, 0.4472135901])
  expectClose(
    try UnitNormalization(axes: [1, 2])(x).scalars,
    [0.1825741827, 0.3651483655, 0.5477225780, -0.7302967310, 0, 0, 0.8944271803, 0.4472135901])
  try expectRoundTrip(UnitNormalization(), inputShape: [3])
  try expectRoundTrip(UnitNormalization(axes: [1, 2]), inputShape: [2, 3])
}

@Test func unitNormalizationGradientMatchesFiniteDifferences() throws {
  var generator = RandomGenerator(seed: 2)
  let x = Tensor.normal([3, 4], generator: &generator)
  try expectLayerGradientsMatch(UnitNormalization(), input: x)
}

@Test func unitNormalizationRefusesTheBatchAxis() {
  let model = Sequential {
    Input(shape: [3])
    UnitNormalization(axis: 0)
  }
  expectStrataError(.invalidArgument, containing: "axis [0] is out of range") {
    try model.build(inputShape: [3])
  }
}
