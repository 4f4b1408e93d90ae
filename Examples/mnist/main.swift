import Foundation
import Strata

// Keras's "first look at a neural network" (Deep Learning with Python, ch. 2):
// Flatten → Dense(512, relu) → Dense(10, softmax), rmsprop, 5 epochs of batch 128.
//
//   swift run -c release mnist [--dataset mnist|fashion-mnist] [--data DIR] [--epochs N] [--batch-size N]
var dataset = "mnist"
var directory: URL? = nil
var epochs = 5
var batchSize = 128
var arguments = Array(CommandLine.arguments.dropFirst())
while !arguments.isEmpty {
  let flag = arguments.removeFirst()
  guard let value = arguments.first else {
    print("missing value after \(flag)")
    exit(64)
  }
  arguments.removeFirst()
  switch flag {
  case "--dataset": dataset = value
  case "--data": directory = URL(fileURLWithPath: value)
  case "--epochs": epochs = Int(value) ?? epochs
  case "--batch-size": batchSize = Int(value) ?? batchSize
  default:
    print(
      "unknown option \(flag); usage: mnist [--dataset mnist|fashion-mnist] [--data DIR] [--epochs N] [--batch-size N]"
    )
    exit(64)
  }
}

let data: LabeledDataset
do {
  switch dataset {
  case "mnist": data = try MNIST.load(directory: directory, flatten: false)
  case "fashion-mnist": data = try FashionMNIST.load(directory: directory, flatten: false)
  default:
    print("unknown data set '\(dataset)': use mnist or fashion-mnist")
    exit(64)
  }
} catch {
  print(error)
  if dataset == "mnist" {
    print(
      "\nMNIST was not found. Fashion-MNIST works the same way: swift run -c release mnist --dataset fashion-mnist"
    )
  }
  exit(1)
}

let model = Sequential {
  Flatten(inputShape: [28, 28])
  Dense(units: 512, activation: .relu)
  Dense(units: 10, activation: .softmax)
}
model.compile(optimizer: .rmsprop, loss: .sparseCategoricalCrossentropy, metrics: [.accuracy])
model.summary()
try model.fit(data.trainImages, data.trainLabels, epochs: epochs, batchSize: batchSize)
let scores = try model.evaluate(data.testImages, data.testLabels, batchSize: batchSize)
print("test_acc: \(String(format: "%.4f", scores["accuracy"]!))")
