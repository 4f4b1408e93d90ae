import Testing

@testable import Strata

@Test func gaussianNoiseAddsNoiseOfItsDeviationInTrainingOnly() throws {
  let layer = GaussianNoise(stddev: 0.3, seed: 5)
  let x = Tensor.ones([200, 500])
  #expect(try layer(x) == x)
  let noise = try layer(x, training: true) - x
  // 100,000 draws: the sample mean and deviation are within a few standard errors.
  #expect(abs(noise.mean().scalar) < 0.005)
  #expect(abs(noise.standardDeviation().scalar - 0.3) < 0.005)
  // A seeded layer draws the same noise from the same state.
  #expect(try GaussianNoise(stddev: 0.3, seed: 5)(x, training: true) == noise + x)
  #expect(try GaussianNoise(stddev: 0)(x, training: true) == x)
  try expectRoundTrip(GaussianNoise(stddev: 0.1, seed: 2), inputShape: [4])
}

@Test func gaussianNoiseRefusesADeviationOutsideZeroToOne() {
  // Keras: "Invalid value received for argument `stddev`. Expected a float value between 0
  // and 1. Received: stddev=1.5" (keras/src/layers/regularization/gaussian_noise.py).
  let model = Sequential {
    Input(shape: [2])
    GaussianNoise(stddev: 1.5)
  }
  expectStrataError(.invalidArgument, containing: "Received: stddev=1.5") {
    try model.build(inputShape: [2])
  }
}
