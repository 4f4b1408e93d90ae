import Testing

@testable import Strata

@Test func layerNormalizationMatchesKeras() throws {
  // keras.layers.LayerNormalization()(x) for x = [[1, 2, 4], [−1, 0, 3]] (epsilon 1e-3,
  // gamma 1, beta 0), computed with Keras 3.15.1 on JAX.
  let layer = LayerNormalization()
  let output = try layer(Tensor([[1, 2, 4], [-1, 0, 3]]))
  expectClose(
    output.scalars, [-1.0687017, -0.26717555, 1.3358767, -0.980411, -0.3921644, 1.3725753],
    tolerance: 1e-6)
  #expect(layer.weights.map(\.name) == ["gamma", "beta"])
}

@Test func layerNormalizationGradients() throws {
  let layer = LayerNormalization(epsilon: 1e-2)
  var generator = RandomGenerator(seed: 3)
  try layer.build(inputShape: [3, 4], generator: &generator)
  layer.gamma!.value = Tensor([1.5, 0.5, -1, 2])
  layer.beta!.value = Tensor([0.1, -0.2, 0.3, 0])
  try expectLayerGradientsMatch(layer, input: sequenceBatch([2, 3, 4], seed: 51))
}

@Test func layerNormalizationWithoutScaleOrCenterHasNoWeights() throws {
  let layer = LayerNormalization(center: false, scale: false)
  _ = try layer(Tensor.ones([2, 3]))
  #expect(layer.weights.isEmpty && layer.isBuilt)
  expectStrataError(.shapeMismatch, containing: "expected axis -1") {
    let built = LayerNormalization()
    _ = try built(Tensor.ones([2, 3]))
    _ = try built(Tensor.ones([2, 4]))
  }
}

@Test func layerNormalizationRoundTrips() throws {
  try expectRoundTrip(LayerNormalization(epsilon: 1e-5, center: false), inputShape: [3, 4])
}
