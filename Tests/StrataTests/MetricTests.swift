import Testing

@testable import Strata

func metricValue(_ metric: any Metric, _ y: Tensor, _ p: Tensor) -> Float {
  let accumulator = metric.makeAccumulator(
    for:
      MetricResolution(
        outputShape: Array(p.shape.dropFirst()), targetShape: Array(y.shape.dropFirst())))
  accumulator.update(target: y, prediction: p)
  return accumulator.result
}

@Test func accuracyResolvesByShapesAsKerasDoes() {
  let binary = Tensor([[0.6], [0.4], [0.5]])
  // One output column: binary accuracy with a strict > 0.5 (0.5 counts as 0).
  expectClose([metricValue(.accuracy, Tensor([[1], [0], [1]]), binary)], [2.0 / 3.0])
  let probabilities = Tensor([[0.1, 0.7, 0.2], [0.5, 0.3, 0.2]])
  // Integer labels: sparse categorical accuracy.
  #expect(metricValue(.accuracy, Tensor([1, 1]), probabilities) == 0.5)
  #expect(metricValue(.accuracy, Tensor([[1], [0]]), probabilities) == 1)
  // One-hot labels: categorical accuracy.
  #expect(metricValue(.accuracy, Tensor([[0, 1, 0], [0, 0, 1]]), probabilities) == 0.5)
  #expect(metricValue(.binaryAccuracy(threshold: 0.45), Tensor([[1], [0], [1]]), binary) == 1)
}

@Test func topKPrecisionRecallAndAUC() {
  let p = Tensor([[0.1, 0.5, 0.4], [0.6, 0.3, 0.1]])
  #expect(metricValue(.topKCategoricalAccuracy(k: 2), Tensor([[0, 0, 1], [0, 0, 1]]), p) == 0.5)
  #expect(metricValue(.topKCategoricalAccuracy(k: 1), Tensor([[0, 1, 0], [1, 0, 0]]), p) == 1)
  // Integer labels: Keras's SparseTopKCategoricalAccuracy, logged under its own name.
  #expect(metricValue(.sparseTopKCategoricalAccuracy(k: 2), Tensor([2, 2]), p) == 0.5)
  #expect(metricValue(.sparseTopKCategoricalAccuracy(k: 1), Tensor([1, 0]), p) == 1)
  #expect(SparseTopKCategoricalAccuracy().name == "sparse_top_k_categorical_accuracy")
  let y = Tensor([[1], [0], [1], [0]])
  let scores = Tensor([[0.9], [0.8], [0.3], [0.1]])
  // Predicted positive: 0.9, 0.8 → TP 1, FP 1, FN 1.
  #expect(metricValue(.precision, y, scores) == 0.5)
  #expect(metricValue(.recall, y, scores) == 0.5)
  // ROC AUC of these scores: 3 of the 4 positive/negative pairs are ordered right = 0.75.
  expectClose([metricValue(.auc, y, scores)], [0.75], tolerance: 1e-3)
  expectClose([metricValue(.auc, y, Tensor([[0.9], [0.1], [0.8], [0.2]]))], [1], tolerance: 1e-3)
}

@Test func epochValuesAreMeansOverSamples() {
  // Keras's MeanMetricWrapper: total / count over all samples, not a mean of batch means.
  let accumulator = BinaryAccuracy().makeAccumulator(
    for: MetricResolution(outputShape: [1], targetShape: [1]))
  accumulator.update(target: Tensor([[1], [1], [1]]), prediction: Tensor([[0.9], [0.9], [0.9]]))
  accumulator.update(target: Tensor([[1]]), prediction: Tensor([[0.1]]))
  #expect(accumulator.result == 0.75)
  accumulator.reset()
  #expect(accumulator.result == 0)
}

@Test func lossMetricsUseKerasNames() {
  #expect(LossMetric(.binaryCrossentropy).name == "binary_crossentropy")
  #expect(LossMetric(.meanSquaredError).name == "mean_squared_error")
  #expect(LossMetric(.huber).name == "huber_loss")
  #expect(LossMetric(.meanAbsoluteError).higherIsBetter == false)
  #expect(Accuracy().higherIsBetter == true)
}

@Test func metricsRoundTripInTheCompileConfiguration() throws {
  try expectRoundTrip(Accuracy())
  try expectRoundTrip(BinaryAccuracy(threshold: 0.3))
  try expectRoundTrip(CategoricalAccuracy())
  try expectRoundTrip(SparseCategoricalAccuracy())
  try expectRoundTrip(TopKCategoricalAccuracy(k: 2))
  try expectRoundTrip(SparseTopKCategoricalAccuracy(k: 3))
  try expectRoundTrip(Precision())
  try expectRoundTrip(Recall())
  try expectRoundTrip(AUC(numThresholds: 50))
  try expectRoundTrip(LossMetric(Huber(delta: 2)))
  try expectRoundTrip(CustomMetric(name: "round_trip_metric", higherIsBetter: false) { $0 - $1 })
}

@Test func crossEntropyMetricsAreSpelledAsTheLosses() throws {
  // A linear output read as logits: the metric equals the loss of the same spelling.
  let model = Sequential { Dense(units: 1, inputShape: [2]) }
  model.compile(
    optimizer: .sgd(), loss: .binaryCrossentropy(fromLogits: true),
    metrics: [.binaryCrossentropy(fromLogits: true)])
  let x = Tensor([[1, 2], [-1, 0.5], [3, -2]])
  let logs = try model.evaluate(x, Tensor([[1], [0], [1]]), verbose: 0)
  expectClose([logs["binary_crossentropy"]!], [logs["loss"]!], tolerance: 1e-6)
  let classifier = Sequential { Dense(units: 3, inputShape: [2]) }
  classifier.compile(
    loss: .sparseCategoricalCrossentropy(fromLogits: true),
    metrics: [.sparseCategoricalCrossentropy(fromLogits: true)])
  let sparse = try classifier.evaluate(x, Tensor([0, 2, 1]), verbose: 0)
  expectClose([sparse["sparse_categorical_crossentropy"]!], [sparse["loss"]!], tolerance: 1e-6)
}
