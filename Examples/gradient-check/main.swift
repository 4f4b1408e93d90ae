import Foundation
import Strata

// "Deep Learning from Scratch" 5.7: the gradient by backpropagation checked against the
// numerical gradient (central differences) for a two-layer network (784 → 50 ReLU → 10
// softmax, cross-entropy) on three images, as the book prints it: the mean absolute difference
// per parameter.
//
//   swift run -c release gradient-check [--data DIR]
var directory: URL? = nil
var arguments = Array(CommandLine.arguments.dropFirst())
while arguments.count >= 2 {
  let (flag, value) = (arguments.removeFirst(), arguments.removeFirst())
  guard flag == "--data" else {
    print("usage: gradient-check [--data DIR]")
    exit(64)
  }
  directory = URL(fileURLWithPath: value)
}

do {
  let data =
    try directory.map { try FashionMNIST.load(directory: $0) }
    ?? (try? MNIST.load(allowDownload: false)) ?? FashionMNIST.load()
  let x = data.trainImages.rows(0..<3)
  let labels = data.trainLabels.rows(0..<3)
  let network = Sequential(seed: 1) {
    Input(shape: [784])
    Dense(units: 50, activation: .relu, biasInitializer: .randomNormal(mean: 0, stddev: 0.1))
    Dense(units: 10, activation: .softmax, biasInitializer: .randomNormal(mean: 0, stddev: 0.1))
  }
  _ = try network.predict(x)
  let weights = network.weights
  let names = ["W1", "b1", "W2", "b2"]
  // The loss as a function of the parameters: the layers' own ops, with the parameters
  // substituted for the weights.
  let check = GradientCheck.check(at: weights.map(\.value), step: 1e-2) { parameters in
    let hidden = (x.matmul(parameters[0]) + parameters[1]).relu()
    let logits = hidden.matmul(parameters[2]) + parameters[3]
    return Tensor.softmaxCrossEntropy(logits: logits, labels: labels).mean()
  }
  var worst: Float = 0
  for (index, name) in names.enumerated() {
    let difference = (check.analytic[index] - check.numeric[index]).abs().mean().scalar
    worst = Swift.max(worst, difference)
    print("\(name): \(difference)")
  }
  print("gradient-check largest mean absolute difference: \(worst)")
} catch {
  print(error)
  exit(1)
}
