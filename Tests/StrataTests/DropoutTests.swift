import Testing

@testable import Strata

@Test func dropoutNoiseShapeSharesTheMaskAlongItsUnitAxes() throws {
  // Keras's noise_shape=(None, 1, features): one mask per sample and feature, the same at
  // every time step.
  let layer = Dropout(rate: 0.5, noiseShape: [nil, 1, nil], seed: 4)
  let model = Sequential {
    Input(shape: [5, 6])
    layer
  }
  try model.build(inputShape: [5, 6])
  let x = Tensor.ones([3, 5, 6])
  let y = try layer(x, training: true)
  for sample in 0..<3 {
    for feature in 0..<6 {
      let steps = Set((0..<5).map { y.scalars[sample * 30 + $0 * 6 + feature] })
      #expect(steps == [0] || steps == [2], "\(steps)")
    }
  }
  #expect(Set(y.scalars) == [0, 2])
  try expectRoundTrip(Dropout(rate: 0.3, noiseShape: [nil, 1, nil], seed: 2), inputShape: [4, 2])
  let wrong = Sequential {
    Input(shape: [5, 6])
    Dropout(rate: 0.5, noiseShape: [nil, 2, nil])
  }
  expectStrataError(
    .invalidArgument, containing: "does not broadcast to inputs of shape (None, 5, 6)"
  ) {
    try wrong.build(inputShape: [5, 6])
  }
}
