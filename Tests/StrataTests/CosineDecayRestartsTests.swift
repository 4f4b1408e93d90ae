import Testing

@testable import Strata

@Test func cosineDecayRestartsMatchesKeras() throws {
  // Keras 3.15.1 (JAX): keras.optimizers.schedules.CosineDecayRestarts(…)(t) at steps
  // 0, 3, 9, 10, 15, 29, 30, 47.
  let steps = [0, 3, 9, 10, 15, 29, 30, 47]
  let cases: [(CosineDecayRestarts, [Float])] = [
    (
      CosineDecayRestarts(initialLearningRate: 0.1, firstDecaySteps: 10),
      [0.1, 0.07938927, 0.002447176, 0.1, 0.08535534, 0.00061558187, 0.1, 0.06167228]
    ),
    (
      CosineDecayRestarts(
        initialLearningRate: 0.1, firstDecaySteps: 10, tMul: 1, mMul: 0.5, alpha: 0.1),
      [0.1, 0.081450336, 0.012202458, 0.055000003, 0.0325, 0.010550614, 0.02125, 0.011159356]
    ),
    (
      CosineDecayRestarts(
        initialLearningRate: 1, firstDecaySteps: 4, tMul: 1.5, mMul: 0.8, alpha: 0.05),
      [1, 0.18912429, 0.10091031, 0.65800005, 0.30121094, 0.12630603, 0.09000935, 0.12241286]
    ),
  ]
  for (schedule, expected) in cases {
    expectClose(steps.map { schedule.rate(at: $0) }, expected, tolerance: 1e-5)
  }
  try expectRoundTrip(
    CosineDecayRestarts(initialLearningRate: 0.05, firstDecaySteps: 7, tMul: 1.5, alpha: 0.01))
  expectStrataError(.invalidArgument, containing: "CosineDecayRestarts") {
    try CosineDecayRestarts(initialLearningRate: 0.1, firstDecaySteps: 0).validate()
  }
}
