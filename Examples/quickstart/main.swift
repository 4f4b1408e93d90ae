import Foundation
import Strata

// Quick start: a small network learns the three-armed spiral of "Deep Learning from Scratch 2",
// offline, in seconds. Writes the training curves and the decision regions as SVG files.
let (x, y) = Datasets.spiral(pointsPerClass: 100, classes: 3)

let model = Sequential(seed: 42) {
  Dense(units: 64, inputShape: [2], activation: .relu)
  Dense(units: 64, activation: .relu)
  Dense(units: 3, activation: .softmax)
}
model.compile(
  optimizer: .adam(learningRate: 0.01), loss: .categoricalCrossentropy, metrics: [.accuracy])
model.summary()

print("Training on \(x.shape[0]) points of the spiral, \(y.shape[1]) classes")
let history = try model.fit(x, y, epochs: 60, batchSize: 30, verbose: 2)
let scores = try model.evaluate(x, y, verbose: 0)
print(
  "Training accuracy: \(String(format: "%.4f", scores["accuracy"]!)), loss: \(String(format: "%.4f", scores["loss"]!))"
)

let folder = URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
try history.plot(
  to: folder.appendingPathComponent("quickstart-history.svg"), title: "Spiral: training curves")
try model.plotDecisionRegions(
  x: x, y: y, to: folder.appendingPathComponent("quickstart-regions.svg"),
  title: "Spiral: decision regions")
print("Wrote quickstart-history.svg and quickstart-regions.svg")
