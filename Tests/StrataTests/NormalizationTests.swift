import Testing

@testable import Strata

@Test func normalizationAdaptsAsKerasDoes() throws {
  // keras.layers.Normalization().adapt([[1, 10], [2, 20], [3, 60]]): mean [2, 30], variance
  // [0.6666667, 466.66666]; the layer maps [2, 30] to [0, 0].
  let layer = Normalization()
  try layer.adapt(Tensor([[1, 10], [2, 20], [3, 60]]))
  expectClose(layer.mean!.value.scalars, [2, 30])
  expectClose(layer.variance!.value.scalars, [0.6666667, 466.66666])
  #expect(try layer(Tensor([[2, 30]])).scalars == [0, 0])
  expectClose(
    try layer(Tensor([[3, 60]])).scalars,
    [1 / Float(0.6666667).squareRoot(), 30 / Float(466.66666).squareRoot()])
  #expect(layer.trainableWeights.isEmpty && layer.weights.count == 2)
  // Its inverse undoes it.
  let inverse = Normalization(mean: [2, 30], variance: [0.6666667, 466.66666], invert: true)
  expectClose(try inverse(try layer(Tensor([[5, -7]]))).scalars, [5, -7], tolerance: 1e-5)
  expectStrataError(.shapeMismatch, containing: "built for 2 features") {
    try layer.adapt(Tensor.ones([4, 3]))
  }
  expectStrataError(.invalidArgument, containing: "both be given") {
    _ = try Normalization(mean: [1])(Tensor.ones([1, 1]))
  }
}

@Test func normalizationRoundTrips() throws {
  let layer = Normalization()
  try layer.adapt(Tensor([[1, 2, 3], [4, 0, 1], [0, 5, 2]]))
  try expectRoundTrip(layer, inputShape: [3])
  try expectRoundTrip(Normalization(mean: [1, 2], variance: [4, 9]), inputShape: [2])
}
