import Testing

@testable import Strata

// Literals: Keras 3.15.1 (JAX), keras.optimizers.Ftrl(…) on the problem of
// OptimizerOptionsTests (`optionsProblem`: Dense(2), "mse", batch_size=3, epochs=2,
// shuffle=False); History "loss", iterations, then get_weights() (kernel, bias).

@Test func ftrlMatchesKerasWithItsRegularizers() throws {
  // Ftrl(0.1, l1_regularization_strength=0.01, l2_regularization_strength=0.02,
  // l2_shrinkage_regularization_strength=0.03, beta=0.1).
  try expectKerasRun(
    Ftrl(
      learningRate: 0.1, l1RegularizationStrength: 0.01, l2RegularizationStrength: 0.02,
      l2ShrinkageRegularizationStrength: 0.03, beta: 0.1),
    losses: [0.3747336268424988, 0.20826992392539978], iterations: 6,
    weights: [
      0.06659596413373947, -0.10787373781204224, 0.09993384778499603, 0.11785666644573212,
      0.08671882003545761, 0.07354423403739929, 0.2608926296234131, 0.18126249313354492,
    ])
}

@Test func ftrlMatchesKerasWithAnotherPower() throws {
  // Ftrl(0.1, learning_rate_power=-0.7, initial_accumulator_value=0.2,
  // l1_regularization_strength=0.05): the general power, not the square root.
  try expectKerasRun(
    .ftrl(
      learningRate: 0.1, learningRatePower: -0.7, initialAccumulatorValue: 0.2,
      l1RegularizationStrength: 0.05),
    losses: [0.37289226055145264, 0.20013806223869324], iterations: 6,
    weights: [
      0.0665358453989029, -0.1200777217745781, 0.10231956839561462, 0.1268765926361084,
      0.08718976378440857, 0.07728811353445053, 0.28466513752937317, 0.19025801122188568,
    ])
  // Ftrl() with Keras's defaults.
  try expectKerasRun(
    .ftrl, losses: [0.39137905836105347, 0.3525383770465851], iterations: 6,
    weights: [
      0.01739419810473919, -0.09242037683725357, 0.03482983261346817, 0.16253820061683655,
      -0.03056872822344303, 0.06946348398923874, 0.024583734571933746, -0.052392974495887756,
    ])
}

@Test func ftrlRefusesWhatKerasRefuses() throws {
  let (model, x, y) = try optionsProblem()
  for (optimizer, message) in [
    (Ftrl(learningRatePower: 0.5), "`learning_rate_power` needs to be negative or zero"),
    (Ftrl(initialAccumulatorValue: -1), "`initial_accumulator_value` needs to be positive"),
    (Ftrl(l1RegularizationStrength: -0.1), "`l1_regularization_strength` needs to be positive"),
  ] {
    model.compile(optimizer: optimizer, loss: .meanSquaredError)
    expectStrataError(.invalidArgument, containing: message) { _ = try model.fit(x, y, verbose: 0) }
  }
}

@Test func ftrlRoundTrips() throws {
  try expectRoundTrip(
    Ftrl(
      learningRate: 0.05, learningRatePower: -0.6, l1RegularizationStrength: 0.01, beta: 0.2))
}
