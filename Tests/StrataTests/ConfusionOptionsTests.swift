import Testing

@testable import Strata

@Test func precisionAndRecallOptionsMatchKeras() throws {
  // Keras 3.15.1 (JAX): keras.metrics.Precision/Recall(…).update_state(y, p); result().
  let y = Tensor([[0, 1, 0], [1, 0, 0], [0, 0, 1], [0, 1, 0]])
  let p = Tensor([[0.2, 0.5, 0.3], [0.6, 0.3, 0.1], [0.1, 0.45, 0.45], [0.4, 0.35, 0.25]])
  let cases: [(any Metric, Float)] = [
    (Precision(), 1.0), (Precision(threshold: 0.3), 0.6666666865), (Precision(topK: 1), 0.5),
    (Precision(classId: 1), 0), (Precision(topK: 2, classId: 2), 0.5), (Recall(), 0.25),
    (Recall(threshold: 0.3), 1), (Recall(topK: 1), 0.5), (Recall(threshold: 0.4, classId: 1), 0.5),
  ]
  for (metric, expected) in cases {
    let accumulator = metric.makeAccumulator(
      for: MetricResolution(outputShape: [3], targetShape: [3]))
    accumulator.update(target: y, prediction: p)
    expectClose([accumulator.result], [expected], tolerance: 1e-6)
  }
  try expectRoundTrip(Precision(threshold: 0.3, topK: 2, classId: 1))
  try expectRoundTrip(Recall(classId: 0))
  // Keras's list form with one threshold reads; several are refused (one number per metric).
  #expect(try Precision(configuration: ["thresholds": [0.4] as [Float]]).options.threshold == 0.4)
  expectStrataError(.invalidArgument, containing: "`thresholds` with 2 values") {
    _ = try Recall(configuration: ["thresholds": [0.4, 0.6] as [Float]])
  }
}
