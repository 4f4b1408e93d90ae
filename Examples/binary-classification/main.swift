import Foundation
import Strata

// Binary classification with binary cross-entropy, as in the TensorFlow/Keras basics:
// compile(optimizer: sgd, loss: binary_crossentropy, metrics: [accuracy, binary_crossentropy]),
// 20 epochs of batch 50 with validation data, then the last validation cross-entropy.
//
//   swift run -c release binary-classification [--csv FILE --label COLUMN]
var csvPath: String? = nil
var labelColumn: CSV.LabelColumn = .index(-1)
var arguments = Array(CommandLine.arguments.dropFirst())
while arguments.count >= 2 {
  let (flag, value) = (arguments[0], arguments[1])
  arguments.removeFirst(2)
  switch flag {
  case "--csv": csvPath = value
  case "--label": labelColumn = Int(value).map(CSV.LabelColumn.index) ?? .named(value)
  default:
    print("unknown option \(flag); usage: binary-classification [--csv FILE --label COLUMN]")
    exit(64)
  }
}

var x: Tensor
var y: Tensor
if let csvPath {
  let table = try CSV.load(contentsOf: URL(fileURLWithPath: csvPath), label: labelColumn)
  x = table.features
  y = table.labels.reshaped(to: [-1, 1])
  print(
    "\(csvPath): \(x.shape[0]) rows, features \(table.featureNames), label '\(table.labelName)'")
} else {
  (x, y) = Datasets.moons(samples: 1000, noise: 0.2)
  print("Two moons: \(x.shape[0]) points (use --csv FILE --label COLUMN for your own data)")
}

// Shuffle once, then hold out the last 20% for validation.
var generator = RandomGenerator(seed: 7)
let order = generator.permutation(x.shape[0])
x = x.gatheringRows(order)
y = y.gatheringRows(order)
let split = x.shape[0] * 4 / 5

let model = Sequential {
  Dense(units: 16, inputShape: [x.shape[1]], activation: .relu)
  Dense(units: 16, activation: .relu)
  Dense(units: 1, activation: .sigmoid)
}
model.compile(
  optimizer: .sgd, loss: .binaryCrossentropy, metrics: [.accuracy, .binaryCrossentropy])
let history = try model.fit(
  x.rows(0..<split), y.rows(0..<split), epochs: 20, batchSize: 50,
  validationData: (x.rows(split..<x.shape[0]), y.rows(split..<x.shape[0])), verbose: 0)
print("val_binary_crossentropy: \(history["val_binary_crossentropy"]!.last!)")
print("val_accuracy: \(history["val_accuracy"]!.last!)")
