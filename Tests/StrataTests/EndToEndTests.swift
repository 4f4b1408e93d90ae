import Testing

@testable import Strata

@Test func xorIsLearnedCompletely() throws {
  let (x, y) = Datasets.xor()
  let model = Sequential(seed: 3) {
    Dense(units: 16, inputShape: [2], activation: .relu)
    Dense(units: 1, activation: .sigmoid)
  }
  model.compile(
    optimizer: .adam(learningRate: 0.05), loss: .binaryCrossentropy, metrics: [.accuracy])
  try model.fit(x, y, epochs: 300, batchSize: 4, verbose: 0)
  #expect(try model.evaluate(x, y, verbose: 0)["accuracy"] == 1)
}

@Test func spiralOfDeepLearningFromScratchTwo() throws {
  // DLFS2 ch. 1: 300 points, 2-10-3 net (sigmoid hidden layer, softmax output), SGD lr 1.0,
  // batch 30, 300 epochs: the book reaches about 0.98 training accuracy.
  let (x, y) = Datasets.spiral(pointsPerClass: 100, classes: 3)
  let model = Sequential(seed: 7) {
    Dense(
      units: 10, inputShape: [2], activation: .sigmoid,
      kernelInitializer: .randomNormal(mean: 0, stddev: 0.01))
    Dense(units: 3, activation: .softmax, kernelInitializer: .randomNormal(mean: 0, stddev: 0.01))
  }
  model.compile(
    optimizer: .sgd(learningRate: 1.0), loss: .categoricalCrossentropy, metrics: [.accuracy])
  try model.fit(x, y, epochs: 300, batchSize: 30, verbose: 0)
  let accuracy = try model.evaluate(x, y, verbose: 0)["accuracy"]!
  #expect(accuracy >= 0.95)
}

@Test func binaryModelReportsValidationCrossentropy() throws {
  var generator = RandomGenerator(seed: 11)
  let x = Tensor.normal([200, 4], generator: &generator)
  let y = Tensor(
    shape: [200, 1], scalars: (0..<200).map { x[$0, 0].scalar + x[$0, 1].scalar > 0 ? 1 : 0 })
  let model = Sequential {
    Dense(units: 8, inputShape: [4], activation: .relu)
    Dense(units: 1, activation: .sigmoid)
  }
  model.compile(
    optimizer: .sgd, loss: .binaryCrossentropy, metrics: [.accuracy, .binaryCrossentropy])
  let history = try model.fit(
    x.rows(0..<150), y.rows(0..<150), epochs: 20, batchSize: 50,
    validationData: (x.rows(150..<200), y.rows(150..<200)), verbose: 0)
  // Keras sorts log keys; every key has one value per epoch.
  #expect(
    history.keys == [
      "accuracy", "binary_crossentropy", "loss", "val_accuracy", "val_binary_crossentropy",
      "val_loss",
    ])
  #expect(history["val_binary_crossentropy"]!.count == 20)
  #expect(history.epoch == Array(0..<20))
  #expect(history["val_binary_crossentropy"]!.last! < history["val_binary_crossentropy"]!.first!)
}
