import Foundation
import Strata

// Incremental learning (the ANN lecture notes): a network learns from the first half of
// Fashion-MNIST, is saved, loaded again (as if in a new session, with the second half arriving
// later) and goes on learning from the second half. The model file keeps the weights, the
// optimizer's state and the random streams, so the resumed run is bit for bit the run that
// never stopped. Writes the test accuracy over both phases.
//
//   swift run -c release incremental-learning [--epochs N] [--data DIR] [--output DIR]
var epochs = 3
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
    print("usage: incremental-learning [--epochs N] [--data DIR] [--output DIR]")
    exit(64)
  }
}

func makeModel() -> Sequential {
  let model = Sequential(seed: 1) {
    Input(shape: [784])
    Dense(units: 256, activation: .relu)
    Dropout(rate: 0.2)
    Dense(units: 10, activation: .softmax)
  }
  model.compile(
    optimizer: .adam(learningRate: 1e-3), loss: .sparseCategoricalCrossentropy,
    metrics: [.accuracy])
  return model
}

do {
  try FileManager.default.createDirectory(at: output, withIntermediateDirectories: true)
  let data = try FashionMNIST.load(directory: directory)
  let half = data.trainImages.shape[0] / 2
  let phases = [(0..<half), (half..<(2 * half))].map {
    (data.trainImages.rows($0), data.trainLabels.rows($0))
  }
  let test = (data.testImages, data.testLabels)

  // Phase 1, then save: the end of the first session.
  let first = makeModel()
  let before = try first.fit(
    phases[0].0, phases[0].1, epochs: epochs, batchSize: 128, validationData: test, verbose: 0)
  let file = FileManager.default.temporaryDirectory.appendingPathComponent(
    "incremental-\(ProcessInfo.processInfo.processIdentifier).strata")
  defer { try? FileManager.default.removeItem(at: file) }
  try first.save(to: file)

  // Phase 2 in a "new session": load and continue with the second half.
  let resumed = try Sequential.load(from: file)
  let after = try resumed.fit(
    phases[1].0, phases[1].1, epochs: 2 * epochs, batchSize: 128, validationData: test,
    initialEpoch: epochs, verbose: 0)

  // The same two phases without stopping.
  let uninterrupted = makeModel()
  try uninterrupted.fit(phases[0].0, phases[0].1, epochs: epochs, batchSize: 128, verbose: 0)
  try uninterrupted.fit(
    phases[1].0, phases[1].1, epochs: 2 * epochs, batchSize: 128, initialEpoch: epochs,
    verbose: 0)
  let identical = resumed.getWeights() == uninterrupted.getWeights()

  let accuracies = before["val_accuracy"]! + after["val_accuracy"]!
  for (epoch, accuracy) in accuracies.enumerated() {
    print(
      String(
        format: "epoch %d (%@): test accuracy %.4f", epoch + 1,
        epoch < epochs ? "first half" : "second half, after loading", accuracy))
  }
  var plot = LinePlot(
    title: "Test accuracy over both phases", xLabel: "epoch",
    yLabel: "test accuracy")
  plot.add(
    "first half of the images", x: (1...epochs).map(Double.init), y: before["val_accuracy"]!)
  plot.add(
    "after loading: second half", x: (epochs...(2 * epochs)).map(Double.init),
    y: [before["val_accuracy"]!.last!] + after["val_accuracy"]!, dashed: true)
  try plot.write(to: output.appendingPathComponent("incremental-learning.svg"))
  print("incremental-learning resumed weights equal the uninterrupted run's: \(identical ? 1 : 0)")
} catch {
  print(error)
  exit(1)
}
