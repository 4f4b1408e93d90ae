import Testing

@testable import Strata

@Test func alphaDropoutKeepsSELUsMeanAndVariance() throws {
  // For rate 0.1 Keras's affine correction is a = 0.9212845161497115 and
  // b = 0.16197097005757022 (alpha_dropout.py's formulas in float64), so a dropped value
  // becomes a·α' + b = −1.4577388 and a kept one a·x + b.
  let layer = AlphaDropout(rate: 0.1, seed: 11)
  var generator = RandomGenerator(seed: 4)
  let x = Tensor.normal([200, 500], generator: &generator)
  #expect(try layer(x) == x)
  let y = try layer(x, training: true)
  let dropped = y.scalars.filter { abs($0 - -1.4577388) < 1e-6 }.count
  #expect(abs(Float(dropped) / Float(y.scalarCount) - 0.1) < 0.005)
  let keptIndex = try #require(y.scalars.firstIndex { abs($0 - -1.4577388) > 1e-6 })
  #expect(abs(y.scalars[keptIndex] - (0.9212845 * x.scalars[keptIndex] + 0.16197097)) < 1e-5)
  // The point of it: inputs of mean 0 and variance 1 keep them.
  #expect(abs(y.mean().scalar) < 0.01)
  #expect(abs(y.variance().scalar - 1) < 0.02)
  try expectRoundTrip(AlphaDropout(rate: 0.2, seed: 3), inputShape: [4])
}

@Test func alphaDropoutRefusesARateOutsideZeroToOne() {
  let model = Sequential {
    Input(shape: [2])
    AlphaDropout(rate: 2)
  }
  expectStrataError(.invalidArgument, containing: "Received: rate=2.0") {
    try model.build(inputShape: [2])
  }
}
