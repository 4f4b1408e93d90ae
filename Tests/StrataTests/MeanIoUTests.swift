import Testing

@testable import Strata

private func meanIoU(
  _ metric: MeanIoU, _ labels: Tensor, _ predictions: Tensor, weights: Tensor? = nil
) -> Float {
  let accumulator = metric.makeAccumulator(
    for: MetricResolution(outputShape: [1], targetShape: [1]))
  accumulator.update(target: labels, prediction: predictions, sampleWeight: weights)
  return accumulator.result
}

@Test func meanIoUMatchesKeras() {
  // Keras 3.15.1: m = keras.metrics.MeanIoU(num_classes=…, …); m.update_state(y, p[, w]);
  // y = [0, 1, 2, 2, 1, 0, 3, 2], p = [0, 2, 2, 1, 1, 0, 0, 2],
  // w = [1, 2, 0.5, 1, 1, 3, 1, 2] (Keras's integer matrix counts the 0.5 as 0).
  let y = Tensor([0, 1, 2, 2, 1, 0, 3, 2])
  let p = Tensor([0, 2, 2, 1, 1, 0, 0, 2])
  expectClose([meanIoU(MeanIoU(numClasses: 4), y, p)], [0.375])
  expectClose(
    [meanIoU(MeanIoU(numClasses: 4), y, p, weights: Tensor([1, 2, 0.5, 1, 1, 3, 1, 2]))],
    [0.36249998211860657])
  expectClose([meanIoU(MeanIoU(numClasses: 4, ignoreClass: 3), y, p)], [0.6111111044883728])
  // A class that never occurs is left out of the mean.
  expectClose([meanIoU(MeanIoU(numClasses: 5), y, p)], [0.375])
  // Probabilities taken as ids are truncated to 0, as in Keras.
  expectClose(
    [meanIoU(MeanIoU(numClasses: 4), y, Tensor([0.2, 0.9, 0.5, 0.1, 0.3, 0.6, 0.7, 0.4]))], [0.0625]
  )
  // Scores arg-maxed: one-hot rows of p · 0.7 + 0.05.
  let scores = Tensor(
    shape: [8, 4],
    scalars: p.scalars.flatMap { c in (0..<4).map { Float($0) == c ? 0.75 : 0.05 } })
  expectClose([meanIoU(MeanIoU(numClasses: 4, sparseYPred: false), y, scores)], [0.375])
}

@Test func meanIoUInAModel() throws {
  // Keras: Dense(4, softmax, kernel_initializer="ones") predicts class 0 for every sample;
  // evaluate with MeanIoU(num_classes=4, sparse_y_pred=False) gives 0.0625.
  let model = Sequential {
    Input(shape: [3])
    Dense(units: 4, activation: .softmax, kernelInitializer: .ones)
  }
  model.compile(
    optimizer: .sgd, loss: .sparseCategoricalCrossentropy,
    metrics: [.meanIoU(numClasses: 4, sparseYPred: false)])
  var generator = RandomGenerator(seed: 1)
  let x = Tensor.uniform([8, 3], generator: &generator)
  let result = try model.evaluate(x, Tensor([0, 1, 2, 2, 1, 0, 3, 2]), verbose: 0)
  expectClose([result["mean_io_u"]!], [0.0625])
}

@Test func meanIoURoundTripsAndNeedsItsClassCount() throws {
  try expectRoundTrip(MeanIoU(numClasses: 3, ignoreClass: 255, sparseYPred: false))
  expectStrataError(.invalidArgument, containing: "num_classes") {
    _ = try MeanIoU(configuration: ["num_classes": 0])
  }
}
