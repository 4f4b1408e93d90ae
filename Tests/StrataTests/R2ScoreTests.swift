import Testing

@testable import Strata

@Test func r2ScoreMatchesKeras() throws {
  // Keras 3.15.1 (JAX), the two batches of RootMeanSquaredErrorTests: R2Score() gives
  // 0.6737288236618042 (weighted 0.5576270818710327); class_aggregation=
  // "variance_weighted_average" 0.7594936490058899 (0.6618098020553589); num_regressors=2
  // 0.5432203412055969 (0.38067787885665894), n counting all 8 values as Keras does.
  let cases: [(R2Score, Float, Float)] = [
    (.r2Score, 0.6737288237, 0.5576270819),
    (.r2Score(classAggregation: .varianceWeightedAverage), 0.7594936490, 0.6618098021),
    (R2Score(numRegressors: 2), 0.5432203412, 0.3806778789),
  ]
  for (metric, plain, weighted) in cases {
    expectClose([twoBatchResult(metric, weighted: false)], [plain], tolerance: 1e-6)
    expectClose([twoBatchResult(metric, weighted: true)], [weighted], tolerance: 1e-6)
  }
  try expectRoundTrip(R2Score(classAggregation: .varianceWeightedAverage, numRegressors: 1))
}

@Test func r2ScoreRefusesAPerColumnAggregation() {
  // Keras's class_aggregation=None returns one score per column; Strata's History holds one
  // number per metric.
  expectStrataError(.invalidArgument, containing: "Received: class_aggregation=None") {
    _ = try R2Score(configuration: ["class_aggregation": "None"])
  }
}
