import Foundation
import Strata

// "Deep Learning from Scratch" 6.1: SGD, Momentum, AdaGrad and Adam. First the book's 2-D
// picture, each optimizer's path on f(x, y) = x²/20 + y² from (−7, 2) over 30 steps (figure
// 6-8, with the book's learning rates); then the training loss of a 5-layer, 100-unit ReLU
// network on Fashion-MNIST (or MNIST), 2,000 iterations of batch 128 each (figure 6-9).
//
//   swift run -c release optimizer-comparison [--iterations N] [--data DIR] [--output DIR]
var iterations = 2000
var directory: URL? = nil
var output = URL(fileURLWithPath: "docs")
var arguments = Array(CommandLine.arguments.dropFirst())
while arguments.count >= 2 {
  let (flag, value) = (arguments.removeFirst(), arguments.removeFirst())
  switch flag {
  case "--iterations": iterations = Int(value) ?? iterations
  case "--data": directory = URL(fileURLWithPath: value)
  case "--output": output = URL(fileURLWithPath: value)
  default:
    print("usage: optimizer-comparison [--iterations N] [--data DIR] [--output DIR]")
    exit(64)
  }
}

/// The four optimizers with the book's settings for the 2-D function (Keras's AdaGrad starts
/// its accumulator at 0.1, the book's at 0; set to 0 here).
func optimizers(forFunction: Bool) -> [(String, any Optimizer)] {
  forFunction
    ? [
      ("SGD", SGD(learningRate: 0.95)), ("Momentum", SGD(learningRate: 0.1, momentum: 0.9)),
      ("AdaGrad", Adagrad(learningRate: 1.5, initialAccumulatorValue: 0)),
      ("Adam", Adam(learningRate: 0.3)),
    ]
    : [
      ("SGD", SGD(learningRate: 0.01)), ("Momentum", SGD(learningRate: 0.01, momentum: 0.9)),
      ("AdaGrad", Adagrad(learningRate: 0.01, initialAccumulatorValue: 0)),
      ("Adam", Adam(learningRate: 0.001)),
    ]
}

/// A moving average over `window` values: the book's smoothed curves.
func smoothed(_ values: [Float], window: Int = 25) -> [Double] {
  values.indices.map { i in
    let slice = values[Swift.max(0, i - window + 1)...i]
    return Double(slice.reduce(0, +)) / Double(slice.count)
  }
}

do {
  try FileManager.default.createDirectory(at: output, withIntermediateDirectories: true)
  var contour = ContourPlot(
    x: -10...10, y: -5...5, levels: [0.25, 1, 2.5, 5, 10, 20],
    title: "f(x, y) = x²/20 + y², 30 steps from (−7, 2)"
  ) { x, y in x * x / 20 + y * y }
  for (name, optimizer) in optimizers(forFunction: true) {
    let point = Weight(name: "point", value: Tensor([-7, 2]))
    var path = [(-7.0, 2.0)]
    for _ in 0..<30 {
      let (_, gradients) = valueWithGradient(at: [point.value]) { p in
        (p[0] * p[0] * Tensor([1 / 20, 1])).sum()
      }
      try optimizer.apply(gradients, to: [point])
      path.append((Double(point.value.scalars[0]), Double(point.value.scalars[1])))
    }
    let end = path.last!
    print(String(format: "%@ after 30 steps: (%.4f, %.4f)", name, end.0, end.1))
    contour.addPath(name, points: path)
  }
  try contour.write(to: output.appendingPathComponent("optimizer-paths.svg"))

  // MNIST when a copy is at hand (as in the book), else Fashion-MNIST.
  let data =
    try directory.map { try FashionMNIST.load(directory: $0) }
    ?? (try? MNIST.load(allowDownload: false)) ?? FashionMNIST.load()
  var plot = LinePlot(
    title: "Training loss, 5 × 100 ReLU, batch 128", xLabel: "iteration",
    yLabel: "loss (moving average of 25)", logarithmicY: true)
  var finals: [(String, Float)] = []
  for (name, optimizer) in optimizers(forFunction: false) {
    let model = Sequential(seed: 1) {
      Input(shape: [784])
      for _ in 0..<4 { Dense(units: 100, activation: .relu, kernelInitializer: .heNormal) }
      Dense(units: 10, activation: .softmax)
    }
    model.compile(optimizer: optimizer, loss: .sparseCategoricalCrossentropy)
    var generator = RandomGenerator(seed: 1)
    var losses: [Float] = []
    let count = data.trainImages.shape[0]
    for _ in 0..<iterations {
      let batch = (0..<128).map { _ in generator.nextIndex(below: count) }
      let logs = try model.trainOnBatch(
        data.trainImages.gatheringRows(batch), data.trainLabels.gatheringRows(batch))
      losses.append(logs["loss"]!)
    }
    let final = Float(smoothed(losses, window: 100).last!)
    finals.append((name, final))
    print(String(format: "%@: loss %.4f over the last 100 iterations", name, final))
    plot.add(name, y: smoothed(losses))
  }
  try plot.write(to: output.appendingPathComponent("optimizer-losses.svg"))
  let sgd = finals.first { $0.0 == "SGD" }!.1
  let adam = finals.first { $0.0 == "Adam" }!.1
  print("optimizer-comparison SGD loss over Adam loss: \(String(format: "%.3f", sgd / adam))")
} catch {
  print(error)
  exit(1)
}
