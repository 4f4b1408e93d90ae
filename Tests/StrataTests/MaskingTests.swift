import Testing

@testable import Strata

@Test func maskingMarksStepsWhoseFeaturesAllEqualTheMaskValue() throws {
  let layer = Masking(maskValue: -1)
  let x = Tensor([[[1, 2], [-1, -1], [-1, 3]]])
  var context = LayerContext(isTraining: false)
  _ = try layer(x)
  let output = try layer.call(x, context: &context)
  #expect(context.mask?.scalars == [1, 0, 1])
  #expect(output.scalars == [1, 2, 0, 0, -1, 3])
  expectStrataError(.shapeMismatch, containing: "(batch, steps, features)") {
    _ = try layer(Tensor.ones([2, 3]))
  }
}

@Test func maskingFeedsTheRecurrentLayerAfterIt() throws {
  // Masking → GRU in a model equals the GRU on the real steps only.
  let gru = GRU(units: 2)
  let model = Sequential {
    Input(shape: [4, 2])
    Masking()
    gru
  }
  let x = Tensor([[[0.5, -1], [1, 0.25], [0, 0], [0, 0]]])
  let truncated = try gru(x[..., 0..<2])
  expectClose(try model.predict(x).scalars, truncated.scalars, tolerance: 1e-6)
}

@Test func maskingRoundTrips() throws {
  try expectRoundTrip(Masking(maskValue: 0.5), inputShape: [3, 2])
}
