import Foundation
import Testing

@testable import Strata

/// `../shared/datasets/fashion-mnist` beside the project root, where development and CI
/// machines keep the data set.
let sharedFashionMNIST = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
  .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
  .appendingPathComponent("shared/datasets/fashion-mnist")

/// Whether the data set must be present: `.ci/run` sets `STRATA_REQUIRE_DATASETS=1` (the data
/// is in `../shared/datasets` on CI machines), so there a missing data set fails the test.
let datasetsRequired = ProcessInfo.processInfo.environment["STRATA_REQUIRE_DATASETS"] == "1"

/// Whether Fashion-MNIST is in the shared folder or where `$STRATA_DATASETS` points.
let fashionMNISTIsPresent: Bool = {
  let variable = ProcessInfo.processInfo.environment["STRATA_DATASETS"].map {
    URL(fileURLWithPath: $0).appendingPathComponent("fashion-mnist").path
  }
  return ([sharedFashionMNIST.path] + (variable.map { [$0] } ?? [])).contains {
    FileManager.default.fileExists(atPath: $0 + "/train-images-idx3-ubyte.gz")
  }
}()

@Test(
  .enabled(
    if: fashionMNISTIsPresent || datasetsRequired,
    "Fashion-MNIST is not on this machine (it is required where STRATA_REQUIRE_DATASETS=1)"))
func fashionMNISTTrainsToAWorkingModel() throws {
  let shared =
    FileManager.default.fileExists(atPath: sharedFashionMNIST.path) ? sharedFashionMNIST : nil
  let data = try FashionMNIST.load(directory: shared, allowDownload: false)
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
