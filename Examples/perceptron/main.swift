import Foundation
import Strata

// "Deep Learning from Scratch" ch. 2 and the ANN lecture notes: a single-layer perceptron with a
// step function computes AND, OR and NAND (weights chosen by hand, as the book does), and
// draws each decision line; no single layer computes XOR, and a hidden layer (a 2-2-1 network)
// does.
//
//   swift run -c release perceptron [--output DIR]
var output = URL(fileURLWithPath: "docs")
var arguments = Array(CommandLine.arguments.dropFirst())
while arguments.count >= 2 {
  let (flag, value) = (arguments.removeFirst(), arguments.removeFirst())
  guard flag == "--output" else {
    print("usage: perceptron [--output DIR]")
    exit(64)
  }
  output = URL(fileURLWithPath: value)
}

/// 1 where the input is positive, else 0: the perceptron's step function.
let step = ActivationFunction.custom(name: "step") { $0.isGreater(than: 0) }
let (x, _) = Datasets.xor()  // the four corners (0,0), (0,1), (1,0), (1,1)

do {
  try FileManager.default.createDirectory(at: output, withIntermediateDirectories: true)
  // The book's weights: y = step(w₁x₁ + w₂x₂ + b).
  let gates: [(String, [Float], Float, [Float])] = [
    ("AND", [0.5, 0.5], -0.7, [0, 0, 0, 1]), ("NAND", [-0.5, -0.5], 0.7, [1, 1, 1, 0]),
    ("OR", [0.5, 0.5], -0.2, [0, 1, 1, 1]),
  ]
  for (name, w, b, truth) in gates {
    let perceptron = Sequential { Dense(units: 1, inputShape: [2], activation: step) }
    try perceptron.setWeights([Tensor(shape: [2, 1], scalars: w), Tensor([b])])
    let answers = try perceptron.predict(x).scalars
    print(
      "perceptron \(name): w = \(w), b = \(b); outputs \(answers.map { Int($0) }) (truth \(truth.map { Int($0) }))"
    )
    try perceptron.plotDecisionRegions(
      x: x, y: Tensor(shape: [4, 1], scalars: truth),
      to: output.appendingPathComponent("perceptron-\(name.lowercased()).svg"),
      title: "\(name): \(w[0])·x₁ + \(w[1])·x₂ \(b < 0 ? "−" : "+") \(abs(b)) > 0")
  }

  // XOR from many noisy copies of the four corners, learnt by gradient descent.
  var generator = RandomGenerator(seed: 1)
  let corners = (0..<400).map { $0 % 4 }
  let points = corners.flatMap { corner -> [Float] in
    [Float(corner >> 1), Float(corner & 1)].map { $0 + 0.1 * generator.nextNormal() }
  }
  let xorX = Tensor(shape: [400, 2], scalars: points)
  let xorY = Tensor(shape: [400, 1], scalars: corners.map { Float(($0 >> 1) ^ ($0 & 1)) })
  let single = Sequential(seed: 1) { Dense(units: 1, inputShape: [2], activation: .sigmoid) }
  // Two hidden units leave XOR with poor local minima: from seeds 1–3 the network stalls at
  // 0.74–0.75, from seed 4 (used here) and 5 it reaches 1.0.
  let hidden = Sequential(seed: 4) {
    Dense(units: 2, inputShape: [2], activation: .tanh)
    Dense(units: 1, activation: .sigmoid)
  }
  for (name, model) in [("one layer", single), ("hidden layer", hidden)] {
    model.compile(
      optimizer: .adam(learningRate: 0.05), loss: .binaryCrossentropy, metrics: [.binaryAccuracy])
    let history = try model.fit(xorX, xorY, epochs: 200, batchSize: 40, verbose: 0)
    let accuracy = history["binary_accuracy"]!.last!
    print("XOR with \(name): accuracy \(String(format: "%.4f", accuracy))")
    try model.plotDecisionRegions(
      x: xorX, y: xorY,
      to: output.appendingPathComponent(
        "perceptron-xor-\(name == "one layer" ? "one-layer" : "hidden-layer").svg"),
      title: "XOR, \(name): accuracy \(String(format: "%.2f", accuracy))")
  }
} catch {
  print(error)
  exit(1)
}
