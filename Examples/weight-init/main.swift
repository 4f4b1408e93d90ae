import Foundation
import Strata

// "Deep Learning from Scratch" 6.2: how the initial weights shape the activations. A 5-layer,
// 100-unit network (no biases) is fed 1,000 standard-normal inputs; each layer's activations are
// drawn as a histogram, for sigmoid with weights of std 1, std 0.01 and Xavier's 1/√n, and
// for ReLU with std 0.01, Xavier and He's √(2/n) (the book's figures 6-10 to 6-14). Then the
// training loss of a 5 × 100 ReLU network with std 0.01, Xavier and He weights (figure 6-15).
//
//   swift run -c release weight-init [--iterations N] [--data DIR] [--output DIR]
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
    print("usage: weight-init [--iterations N] [--data DIR] [--output DIR]")
    exit(64)
  }
}

let units = 100
let xavier = 1 / Float(units).squareRoot()
let he = (2 / Float(units)).squareRoot()

do {
  try FileManager.default.createDirectory(at: output, withIntermediateDirectories: true)
  var generator = RandomGenerator(seed: 1)
  let inputs = Tensor.normal([1000, units], generator: &generator)
  let cases: [(String, ActivationFunction, Float)] = [
    ("sigmoid, std 1", .sigmoid, 1), ("sigmoid, std 0.01", .sigmoid, 0.01),
    ("sigmoid, Xavier", .sigmoid, xavier), ("ReLU, std 0.01", .relu, 0.01),
    ("ReLU, Xavier", .relu, xavier), ("ReLU, He", .relu, he),
  ]
  var figure = Figure(
    columns: 5, title: "Activations of five 100-unit layers, 1,000 inputs",
    panelSize: (190, 120))
  var lastSpread: [String: Float] = [:]
  for (name, activation, std) in cases {
    let network = Sequential(seed: 2) {
      Input(shape: [units])
      for _ in 0..<5 {
        Dense(
          units: units, activation: activation, useBias: false,
          kernelInitializer: .randomNormal(mean: 0, stddev: std))
      }
    }
    _ = try network.predict(inputs)
    var activations = inputs
    var spreads: [String] = []
    for (index, layer) in network.layers.enumerated() {
      activations = try layer(activations)
      let std = activations.standardDeviation().scalar
      spreads.append(String(format: "%.3f", std))
      lastSpread[name] = std
      let range =
        activation == .sigmoid
        ? 0.0...1.0 : 0.0...Double(Swift.max(activations.scalars.max() ?? 1, 1e-3))
      figure.add(
        Histogram(
          activations.scalars.filter { activation == .sigmoid || $0 > 0 }, bins: 30, range: range,
          title: "\(name): layer \(index + 1)"))
    }
    print("\(name): activation std per layer \(spreads.joined(separator: ", "))")
  }
  try figure.write(to: output.appendingPathComponent("weight-init-activations.svg"))
  // With std 0.01 the ReLU activations vanish layer by layer; He's weights keep them spread.
  print(
    "weight-init ReLU last-layer activation std, std 0.01: \(lastSpread["ReLU, std 0.01"]!)")
  print(
    "weight-init ReLU last-layer activation std, He: \(String(format: "%.3f", lastSpread["ReLU, He"]!))"
  )

  let data =
    try directory.map { try FashionMNIST.load(directory: $0) }
    ?? (try? MNIST.load(allowDownload: false)) ?? FashionMNIST.load()
  var plot = LinePlot(
    title: "Training loss by initial weights (SGD 0.01, batch 128)", xLabel: "iteration",
    yLabel: "loss (moving average of 25)")
  for (name, std) in [
    ("std 0.01", Float(0.01)), ("Xavier", 1 / Float(784).squareRoot()),
    ("He", (2 / Float(784)).squareRoot()),
  ] {
    let model = Sequential(seed: 1) {
      Input(shape: [784])
      for _ in 0..<4 {
        Dense(
          units: units, activation: .relu,
          kernelInitializer: name == "std 0.01"
            ? .randomNormal(mean: 0, stddev: std)
            : name == "Xavier" ? .glorotNormal : .heNormal)
      }
      Dense(units: 10, activation: .softmax)
    }
    model.compile(optimizer: .sgd(learningRate: 0.01), loss: .sparseCategoricalCrossentropy)
    var draws = RandomGenerator(seed: 1)
    var losses: [Float] = []
    for _ in 0..<iterations {
      let batch = (0..<128).map { _ in draws.nextIndex(below: data.trainImages.shape[0]) }
      losses.append(
        try model.trainOnBatch(
          data.trainImages.gatheringRows(batch), data.trainLabels.gatheringRows(batch))["loss"]!)
    }
    let tail = losses.suffix(100)
    print(
      String(
        format: "%@: loss %.4f over the last 100 iterations", name,
        tail.reduce(0, +) / Float(tail.count)))
    plot.add(
      name,
      y: losses.indices.map { i in
        let window = losses[Swift.max(0, i - 24)...i]
        return Double(window.reduce(0, +)) / Double(window.count)
      })
  }
  try plot.write(to: output.appendingPathComponent("weight-init-losses.svg"))
} catch {
  print(error)
  exit(1)
}
