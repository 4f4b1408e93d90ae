import Foundation
import Strata

// "Deep Learning from Scratch" ch. 7's SimpleConvNet, which the book builds from im2col:
// convolution (30 filters of 5×5) → ReLU → 2×2 max pooling → affine 100 → ReLU → affine 10,
// softmax with cross-entropy, Adam. It writes the 30 first-layer filters before and after
// training as image grids — the book's figure 7-24, where random noise turns into edge and
// blob detectors.
//
//   swift run -c release simple-convnet [--dataset fashion-mnist|mnist] [--data DIR]
//                                      [--epochs N] [--samples N] [--seed N]
var dataset = "fashion-mnist"
var directory: URL? = nil
var epochs = 2
var samples = 60_000
var seed: UInt64 = 1
var arguments = Array(CommandLine.arguments.dropFirst())
let usage =
  "usage: simple-convnet [--dataset fashion-mnist|mnist] [--data DIR] [--epochs N] [--samples N] [--seed N]"
while !arguments.isEmpty {
  let flag = arguments.removeFirst()
  guard let value = arguments.first else {
    print("missing value after \(flag); \(usage)")
    exit(64)
  }
  arguments.removeFirst()
  switch flag {
  case "--dataset": dataset = value
  case "--data": directory = URL(fileURLWithPath: value)
  case "--epochs": epochs = Int(value) ?? epochs
  case "--samples": samples = Int(value) ?? samples
  case "--seed": seed = UInt64(value) ?? seed
  default:
    print("unknown option \(flag); \(usage)")
    exit(64)
  }
}

let data: LabeledDataset
do {
  data =
    dataset == "mnist"
    ? try MNIST.load(directory: directory, channelAxis: true)
    : try FashionMNIST.load(directory: directory, channelAxis: true)
} catch {
  print(error)
  exit(1)
}

// The book's initial weights are 0.01 · randn.
let convolution = Conv2D(
  filters: 30, kernelSize: 5, activation: .relu,
  kernelInitializer: .randomNormal(mean: 0, stddev: 0.01))
let model = Sequential(seed: seed) {
  Input(shape: [28, 28, 1])
  convolution
  MaxPooling2D(poolSize: 2)
  Flatten()
  Dense(units: 100, activation: .relu, kernelInitializer: .randomNormal(mean: 0, stddev: 0.01))
  Dense(units: 10, activation: .softmax, kernelInitializer: .randomNormal(mean: 0, stddev: 0.01))
}
model.compile(
  optimizer: .adam(learningRate: 0.001), loss: .sparseCategoricalCrossentropy, metrics: [.accuracy])
model.summary()

/// The first layer's filters as 30 images of 5×5: the kernel [5, 5, 1, 30] with the filter axis
/// first.
@MainActor func filters() -> Tensor {
  convolution.kernel!.value.transposed(permutation: [3, 0, 1, 2])
}

let folder = URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
try plotImages(
  filters(), columns: 10, to: folder.appendingPathComponent("simple-convnet-filters-before.svg"),
  title: "Conv1 filters before training", pixelSize: 10)
let count = min(samples, data.trainImages.shape[0])
try model.fit(
  data.trainImages[0..<count], data.trainLabels[0..<count], epochs: epochs, batchSize: 100)
try plotImages(
  filters(), columns: 10, to: folder.appendingPathComponent("simple-convnet-filters-after.svg"),
  title: "Conv1 filters after training", pixelSize: 10)
let scores = try model.evaluate(data.testImages, data.testLabels, batchSize: 1000, verbose: 0)
print("simple-convnet test_acc: \(String(format: "%.4f", scores["accuracy"] ?? .nan))")
print("Wrote simple-convnet-filters-before.svg and simple-convnet-filters-after.svg")
