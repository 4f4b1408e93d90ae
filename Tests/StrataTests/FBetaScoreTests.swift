import Testing

@testable import Strata

@Test func fBetaScoreMatchesKeras() throws {
  // Keras 3.15.1 (JAX): keras.metrics.F1Score / FBetaScore(…).update_state(y, p[, w]); the
  // row p[2] ties its two largest, which both count as positive without a threshold.
  let y = Tensor([[0, 1, 0], [1, 0, 0], [0, 0, 1], [0, 1, 0], [1, 0, 0]])
  let p = Tensor([
    [0.2, 0.5, 0.3], [0.6, 0.3, 0.1], [0.1, 0.45, 0.45], [0.4, 0.35, 0.25], [0.3, 0.3, 0.4],
  ])
  let w = Tensor([1, 2, 0.5, 1, 3])
  let cases: [(FBetaScore, Float, Float)] = [
    (.f1Score(average: .micro), 0.5454545021, 0.4516128302),
    (.f1Score(average: .macro), 0.5555555224, 0.4404761493),
    (.f1Score(average: .weighted), 0.5333332419, 0.5023809075),
    (.f1Score(average: .macro, threshold: 0.35), 0.5555555224, 0.4404761493),
    (.fBetaScore(beta: 2, average: .weighted), 0.5666666627, 0.4605090320),
  ]
  for (metric, plain, weighted) in cases {
    for (weights, expected) in [(nil, plain), (w, weighted)] as [(Tensor?, Float)] {
      let accumulator = metric.makeAccumulator(
        for: MetricResolution(outputShape: [3], targetShape: [3]))
      accumulator.update(target: y, prediction: p, sampleWeight: weights)
      expectClose([accumulator.result], [expected], tolerance: 1e-6)
    }
  }
  #expect(FBetaScore(average: .macro).name == "f1_score")
  try expectRoundTrip(FBetaScore(beta: 0.5, average: .weighted, threshold: 0.4))
  expectStrataError(.invalidArgument, containing: "Received: average=None") {
    _ = try FBetaScore(configuration: [:])
  }
}
