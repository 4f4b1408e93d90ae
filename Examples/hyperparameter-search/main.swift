import Foundation
import Strata

// "Deep Learning from Scratch" 6.5: random search for the learning rate (10^[−6, −2]) and the
// weight decay (10^[−8, −4]) of a 6-layer, 100-unit network on 500 images, 20% of them held
// out for validation — never the test set. Prints the best settings and draws the validation
// accuracy of the best 20 trials (figure 6-24).
//
//   swift run -c release hyperparameter-search [--trials N] [--epochs N] [--data DIR] [--output DIR]
var trials = 100
var epochs = 50
var directory: URL? = nil
var output = URL(fileURLWithPath: "docs")
var arguments = Array(CommandLine.arguments.dropFirst())
while arguments.count >= 2 {
  let (flag, value) = (arguments.removeFirst(), arguments.removeFirst())
  switch flag {
  case "--trials": trials = Int(value) ?? trials
  case "--epochs": epochs = Int(value) ?? epochs
  case "--data": directory = URL(fileURLWithPath: value)
  case "--output": output = URL(fileURLWithPath: value)
  default:
    print("usage: hyperparameter-search [--trials N] [--epochs N] [--data DIR] [--output DIR]")
    exit(64)
  }
}

do {
  try FileManager.default.createDirectory(at: output, withIntermediateDirectories: true)
  let data =
    try directory.map { try FashionMNIST.load(directory: $0) }
    ?? (try? MNIST.load(allowDownload: false)) ?? FashionMNIST.load()
  let (x, y) = (data.trainImages.rows(0..<500), data.trainLabels.rows(0..<500))
  var generator = RandomGenerator(seed: 1)
  var results: [(rate: Float, decay: Float, validation: [Float], training: [Float])] = []
  for _ in 0..<trials {
    let rate = Float(pow(10, -6 + 4 * Double(generator.nextUnitFloat())))
    let decay = Float(pow(10, -8 + 4 * Double(generator.nextUnitFloat())))
    let model = Sequential(seed: 1) {
      Input(shape: [784])
      for _ in 0..<5 {
        Dense(
          units: 100, activation: .relu, kernelInitializer: .heNormal, regularizer: .l2(decay / 2))
      }
      Dense(units: 10, activation: .softmax, regularizer: .l2(decay / 2))
    }
    model.compile(
      optimizer: .sgd(learningRate: rate), loss: .sparseCategoricalCrossentropy,
      metrics: [.accuracy])
    let history = try model.fit(
      x, y, epochs: epochs, batchSize: 100, validationSplit: 0.2, verbose: 0)
    results.append((rate, decay, history["val_accuracy"]!, history["accuracy"]!))
  }
  let ranked = results.sorted { $0.validation.last! > $1.validation.last! }
  var figure = Figure(
    columns: 5,
    title: "Best 20 of \(trials) trials: validation (solid) and training (dashed) accuracy",
    panelSize: (170, 110))
  for (rank, trial) in ranked.prefix(20).enumerated() {
    print(
      String(
        format: "Best-%d (val acc: %.3f) | lr: %.2e, weight decay: %.2e", rank + 1,
        trial.validation.last!, trial.rate, trial.decay))
    var panel = LinePlot(title: "Best-\(rank + 1)", yRange: 0...1)
    panel.add("validation", y: trial.validation)
    panel.add("training", y: trial.training, dashed: true)
    figure.add(panel)
  }
  try figure.write(to: output.appendingPathComponent("hyperparameter-search.svg"))
  let worst = ranked.last!.validation.last!
  print(
    "hyperparameter-search best minus worst validation accuracy: \(String(format: "%.3f", ranked[0].validation.last! - worst))"
  )
} catch {
  print(error)
  exit(1)
}
