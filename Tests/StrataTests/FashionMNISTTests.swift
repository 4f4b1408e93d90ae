import Foundation
import Testing

@testable import Strata

/// `../shared/datasets/fashion-mnist` beside the project root, where development and CI
/// machines keep the data set.
let sharedFashionMNIST = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
  .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
  .appendingPathComponent("shared/datasets/fashion-mnist")

/// Fashion-MNIST from the shared folder or the normal look-up order (no download); nil when
/// it is nowhere, which fails the test on CI (`CI` set) and skips it elsewhere.
func fashionMNISTForTests() throws -> LabeledDataset? {
  let explicit =
    FileManager.default.fileExists(atPath: sharedFashionMNIST.path) ? sharedFashionMNIST : nil
  do {
    return try FashionMNIST.load(directory: explicit, allowDownload: false)
  } catch let error as StrataError where ProcessInfo.processInfo.environment["CI"] == nil {
    print("Skipping the Fashion-MNIST test: \(error.message)")
    return nil
  }
}

@Test func fashionMNISTTrainsToAWorkingModel() throws {
  guard let data = try fashionMNISTForTests() else { return }
  #expect(data.trainImages.shape == [60000, 784])
  #expect(data.testLabels.shape == [10000])
  #expect(data.trainLabels.scalars.prefix(5) == [9, 0, 0, 3, 0])  // the published first labels
  // One short run on the first 12,000 images (a debug build is slow): only a working model
  // reaches 0.80 on the 10,000 test images (chance is 0.10).
  let model = Sequential(seed: 1) {
    Dense(units: 128, inputShape: [784], activation: .relu)
    Dense(units: 10, activation: .softmax)
  }
  model.compile(
    optimizer: .adam(learningRate: 0.002), loss: .sparseCategoricalCrossentropy,
    metrics: [.accuracy])
  try model.fit(
    data.trainImages.rows(0..<12000), data.trainLabels.rows(0..<12000), epochs: 2, batchSize: 64,
    verbose: 0)
  let accuracy = try model.evaluate(data.testImages, data.testLabels, batchSize: 1000, verbose: 0)[
    "accuracy"]!
  #expect(accuracy >= 0.80, "test accuracy \(accuracy)")
}
