import Foundation
import Strata

// "Deep Learning from Scratch" 6.4: a 7-layer, 100-unit ReLU network trained on only 300
// images overfits — training accuracy reaches 1.0 while test accuracy stalls. Weight decay
// (the book's λ = 0.1, which adds ½·λ·‖W‖², Keras's L2 of λ/2 = 0.05) and Dropout(0.15) shrink
// the gap (figures 6-20, 6-21 and 6-23). SGD 0.01, batch 100.
//
//   swift run -c release overfitting [--epochs N] [--data DIR] [--output DIR]
var epochs = 201
var directory: URL? = nil
var output = URL(fileURLWithPath: "docs")
var arguments = Array(CommandLine.arguments.dropFirst())
while arguments.count >= 2 {
  let (flag, value) = (arguments.removeFirst(), arguments.removeFirst())
  switch flag {
  case "--epochs": epochs = Int(value) ?? epochs
  case "--data": directory = URL(fileURLWithPath: value)
  case "--output": output = URL(fileURLWithPath: value)
  default:
    print("usage: overfitting [--epochs N] [--data DIR] [--output DIR]")
    exit(64)
  }
}

do {
  try FileManager.default.createDirectory(at: output, withIntermediateDirectories: true)
  let data =
    try directory.map { try FashionMNIST.load(directory: $0) }
    ?? (try? MNIST.load(allowDownload: false)) ?? FashionMNIST.load()
  let (x, y) = (data.trainImages.rows(0..<300), data.trainLabels.rows(0..<300))
  let (testX, testY) = (data.testImages.rows(0..<2000), data.testLabels.rows(0..<2000))
  var gaps: [String: Float] = [:]
  for (name, file) in [
    ("no regularization", "overfitting-plain"),
    ("weight decay λ = 0.1", "overfitting-weight-decay"),
    ("Dropout(0.15)", "overfitting-dropout"),
  ] {
    let decay: Regularizer? = name.hasPrefix("weight") ? .l2(0.05) : nil
    let model = Sequential(seed: 1) {
      Input(shape: [784])
      for _ in 0..<6 {
        Dense(units: 100, activation: .relu, kernelInitializer: .heNormal, regularizer: decay)
        if name.hasPrefix("Dropout") { Dropout(rate: 0.15) }
      }
      Dense(units: 10, activation: .softmax, kernelInitializer: .heNormal, regularizer: decay)
    }
    model.compile(
      optimizer: .sgd(learningRate: 0.01), loss: .sparseCategoricalCrossentropy,
      metrics: [.accuracy])
    let history = try model.fit(
      x, y, epochs: epochs, batchSize: 100, validationData: (testX, testY), verbose: 0)
    // The training accuracy as the book measures it: the whole set after each epoch, in
    // inference mode, rather than Keras's running mean during the epoch.
    let train = try model.evaluate(x, y, verbose: 0)["accuracy"]!
    let test = history["val_accuracy"]!.last!
    gaps[name] = train - test
    print(
      String(
        format: "%@: train accuracy %.3f, test accuracy %.3f, gap %.3f", name, train, test,
        train - test))
    var plot = LinePlot(
      title: "300 training images, \(name)", xLabel: "epoch", yLabel: "accuracy", yRange: 0...1)
    plot.add("train (running)", y: history["accuracy"]!)
    plot.add("test", y: history["val_accuracy"]!, dashed: true)
    try plot.write(to: output.appendingPathComponent("\(file).svg"))
  }
  print(
    "overfitting gap without regularization minus gap with weight decay: \(String(format: "%.3f", gaps["no regularization"]! - gaps["weight decay λ = 0.1"]!))"
  )
} catch {
  print(error)
  exit(1)
}
