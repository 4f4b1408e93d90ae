import Testing

@testable import Strata

@Test func gaussianDropoutMultipliesByNoiseOfDropoutsVariance() throws {
  // rate 0.2: the factor is N(1, 0.2 / 0.8), a standard deviation of 0.5.
  let layer = GaussianDropout(rate: 0.2, seed: 7)
  let x = Tensor.ones([200, 500]) * 2
  #expect(try layer(x) == x)
  let factor = try layer(x, training: true) / x
  #expect(abs(factor.mean().scalar - 1) < 0.01)
  #expect(abs(factor.standardDeviation().scalar - 0.5) < 0.01)
  #expect(try GaussianDropout(rate: 0)(x, training: true) == x)
  try expectRoundTrip(GaussianDropout(rate: 0.3, seed: 1), inputShape: [4])
}

@Test func gaussianDropoutRefusesARateOutsideZeroToOne() {
  let model = Sequential {
    Input(shape: [2])
    GaussianDropout(rate: -0.1)
  }
  expectStrataError(
    .invalidArgument, containing: "(GaussianDropout): invalid value received for argument `rate`"
  ) {
    try model.build(inputShape: [2])
  }
}
