import Testing

@testable import Strata

/// Two batches of two-column regression targets and predictions, with per-sample weights; the
/// expected values are Keras 3.15.1's (JAX) `update_state` on both batches, then `result()`.
let regressionTargets = Tensor([[1, 2], [3, 5], [2, 0], [4, 4]])
let regressionPredictions = Tensor([[1.5, 2], [2, 4], [2.5, 1], [3, 4.5]])
let regressionWeights = Tensor([1, 2, 0.5, 1])

/// `metric`'s result over the two batches, with or without the weights.
func twoBatchResult(_ metric: any Metric, weighted: Bool) -> Float {
  let accumulator = metric.makeAccumulator(
    for: MetricResolution(outputShape: [2], targetShape: [2]))
  for rows in [0..<2, 2..<4] {
    accumulator.update(
      target: regressionTargets.rows(rows), prediction: regressionPredictions.rows(rows),
      sampleWeight: weighted ? regressionWeights.rows(rows) : nil)
  }
  return accumulator.result
}

@Test func rootMeanSquaredErrorMatchesKeras() throws {
  // keras.metrics.RootMeanSquaredError(): 0.7705517411231995, weighted 0.8249579071998596.
  expectClose([twoBatchResult(.rootMeanSquaredError, weighted: false)], [0.7705517411])
  expectClose([twoBatchResult(.rootMeanSquaredError, weighted: true)], [0.8249579072])
  #expect(RootMeanSquaredError().higherIsBetter == false)
  try expectRoundTrip(RootMeanSquaredError())
}
