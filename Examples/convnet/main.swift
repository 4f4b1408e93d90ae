import Foundation
import Strata

// The convnet of "Deep Learning with Python" (ch. 8): three 3×3 convolutions of 32, 64 and 128
// filters with two 2×2 max-poolings between them, then Flatten and Dense(10, softmax); RMSprop,
// batch 64, on Fashion-MNIST (or MNIST).
//
//   swift run -c release convnet [--dataset fashion-mnist|mnist] [--data DIR] [--epochs N]
//                               [--batch-size N] [--seed N]
var dataset = "fashion-mnist"
var directory: URL? = nil
var epochs = 5
var batchSize = 64
var seed: UInt64 = 1
var arguments = Array(CommandLine.arguments.dropFirst())
let usage =
  "usage: convnet [--dataset fashion-mnist|mnist] [--data DIR] [--epochs N] [--batch-size N] [--seed N]"
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
  case "--batch-size": batchSize = Int(value) ?? batchSize
  case "--seed": seed = UInt64(value) ?? seed
  default:
    print("unknown option \(flag); \(usage)")
    exit(64)
  }
}

let data: LabeledDataset
do {
  switch dataset {
  case "mnist": data = try MNIST.load(directory: directory, channelAxis: true)
  case "fashion-mnist": data = try FashionMNIST.load(directory: directory, channelAxis: true)
  default:
    print("unknown data set '\(dataset)': use fashion-mnist or mnist")
    exit(64)
  }
} catch {
  print(error)
  exit(1)
}

let model = Sequential(seed: seed) {
  Input(shape: [28, 28, 1])
  Conv2D(filters: 32, kernelSize: 3, activation: .relu)
  MaxPooling2D(poolSize: 2)
  Conv2D(filters: 64, kernelSize: 3, activation: .relu)
  MaxPooling2D(poolSize: 2)
  Conv2D(filters: 128, kernelSize: 3, activation: .relu)
  Flatten()
  Dense(units: 10, activation: .softmax)
}
model.compile(optimizer: .rmsprop, loss: .sparseCategoricalCrossentropy, metrics: [.accuracy])
model.summary()
try model.fit(data.trainImages, data.trainLabels, epochs: epochs, batchSize: batchSize)
let scores = try model.evaluate(data.testImages, data.testLabels, batchSize: 1024)
print("convnet test_acc: \(String(format: "%.4f", scores["accuracy"] ?? .nan))")
