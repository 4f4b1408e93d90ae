import Foundation
import Strata

// "Deep Learning from Scratch" 6.3.2: a 5-layer, 100-unit ReLU network trained on 1,000 images
// with and without BatchNormalization, for 16 scales of the initial weights from 1 down to
// 10⁻⁴ (figure 6-18): with batch normalization it learns fast at almost every scale; without
// it, only when the scale happens to suit. SGD 0.01, batch 100.
//
//   swift run -c release batch-norm [--epochs N] [--scales N] [--data DIR] [--output DIR]
var epochs = 20
var scales = 16
var directory: URL? = nil
var output = URL(fileURLWithPath: "docs")
var arguments = Array(CommandLine.arguments.dropFirst())
while arguments.count >= 2 {
  let (flag, value) = (arguments.removeFirst(), arguments.removeFirst())
  switch flag {
  case "--epochs": epochs = Int(value) ?? epochs
  case "--scales": scales = Int(value) ?? scales
  case "--data": directory = URL(fileURLWithPath: value)
  case "--output": output = URL(fileURLWithPath: value)
  default:
    print("usage: batch-norm [--epochs N] [--scales N] [--data DIR] [--output DIR]")
    exit(64)
  }
}

/// The training accuracy after each epoch, measured on the whole training set as the book does.
func trainingAccuracies(
  normalized: Bool, scale: Float, x: Tensor, y: Tensor, epochs: Int
) throws -> [Float] {
  let model = Sequential(seed: 1) {
    Input(shape: [784])
    for _ in 0..<4 {
      Dense(units: 100, kernelInitializer: .randomNormal(mean: 0, stddev: scale))
      // The book's layer: ε = 1e-7 (Keras's 1e-3 would swamp the variance of the tiny
      // activations the smallest scales give) and moving statistics with momentum 0.9 (with
      // Keras's 0.99 they would still be near their start after 200 steps, and the accuracy,
      // measured in inference mode, would read them).
      if normalized { BatchNormalization(momentum: 0.9, epsilon: 1e-7) }
      Activation(.relu)
    }
    Dense(units: 10, activation: .softmax, kernelInitializer: .randomNormal(mean: 0, stddev: scale))
  }
  model.compile(
    optimizer: .sgd(learningRate: 0.01), loss: .sparseCategoricalCrossentropy,
    metrics: [.accuracy])
  var accuracies: [Float] = []
  for epoch in 0..<epochs {
    try model.fit(x, y, epochs: epoch + 1, batchSize: 100, initialEpoch: epoch, verbose: 0)
    accuracies.append(try model.evaluate(x, y, verbose: 0)["accuracy"]!)
  }
  return accuracies
}

do {
  try FileManager.default.createDirectory(at: output, withIntermediateDirectories: true)
  let data =
    try directory.map { try FashionMNIST.load(directory: $0) }
    ?? (try? MNIST.load(allowDownload: false)) ?? FashionMNIST.load()
  let (x, y) = (data.trainImages.rows(0..<1000), data.trainLabels.rows(0..<1000))
  var figure = Figure(
    columns: 4, title: "Training accuracy with and without BatchNormalization",
    panelSize: (200, 130))
  var wins = 0
  for index in 0..<scales {
    // np.logspace(0, -4, 16): 1, 0.54, …, 1e-4.
    let scale = Float(pow(10, -4 * Double(index) / Double(Swift.max(scales - 1, 1))))
    let with = try trainingAccuracies(normalized: true, scale: scale, x: x, y: y, epochs: epochs)
    let without = try trainingAccuracies(
      normalized: false, scale: scale, x: x, y: y, epochs: epochs)
    if with.last! > without.last! { wins += 1 }
    print(
      String(
        format: "scale %.2e: final training accuracy %.3f with batch norm, %.3f without", scale,
        with.last!, without.last!))
    var panel = LinePlot(
      title: String(format: "w: %.2e", scale), xLabel: "epoch", yLabel: nil, yRange: 0...1)
    panel.add("Batch Normalization", y: with)
    panel.add("Normal (without BN)", y: without, dashed: true)
    figure.add(panel)
  }
  try figure.write(to: output.appendingPathComponent("batch-norm.svg"))
  print("batch-norm scales where batch normalization ends ahead: \(wins) of \(scales)")
} catch {
  print(error)
  exit(1)
}
