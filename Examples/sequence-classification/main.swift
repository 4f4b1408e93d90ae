import Foundation
import Strata

// Reading order matters: is a string of brackets balanced? Every example has as many "(" as ")",
// so counting cannot tell; only the order can ("(())" yes, "())(" no). An Embedding with
// maskZero feeds a Bidirectional LSTM, which reads the padded strings both ways and skips the
// padding; a sigmoid unit answers.
//
//   swift run -c release sequence-classification [--samples N] [--epochs N] [--seed N]
var samples = 6000
var epochs = 8
var seed: UInt64 = 1
let maximumLength = 20
var arguments = Array(CommandLine.arguments.dropFirst())
while arguments.count >= 2 {
  let (flag, value) = (arguments.removeFirst(), arguments.removeFirst())
  switch flag {
  case "--samples": samples = Int(value) ?? samples
  case "--epochs": epochs = Int(value) ?? epochs
  case "--seed": seed = UInt64(value) ?? seed
  default:
    print("usage: sequence-classification [--samples N] [--epochs N] [--seed N]")
    exit(64)
  }
}

let open = 1
let close = 2

/// Whether every prefix has at least as many "(" as ")" (the counts being equal).
func isBalanced(_ tokens: [Int]) -> Bool {
  var depth = 0
  for token in tokens {
    depth += token == open ? 1 : -1
    if depth < 0 { return false }
  }
  return depth == 0
}

/// Half balanced strings (a random walk that never closes below zero), half unbalanced ones
/// (shuffled brackets, kept only when unbalanced); `pairs` brackets of each kind, 1 to 10.
var generator = RandomGenerator(seed: seed)
var sequences: [[Int]] = []
var labels: [Float] = []
for index in 0..<samples {
  let pairs = 1 + generator.nextIndex(below: maximumLength / 2)
  var tokens: [Int] = []
  if index % 2 == 0 {
    var (opened, depth) = (0, 0)
    while tokens.count < 2 * pairs {
      let mayOpen = opened < pairs
      if mayOpen && (depth == 0 || generator.nextUnitFloat() < 0.5) {
        tokens.append(open)
        (opened, depth) = (opened + 1, depth + 1)
      } else {
        tokens.append(close)
        depth -= 1
      }
    }
  } else {
    repeat {
      tokens = [Int](repeating: open, count: pairs) + [Int](repeating: close, count: pairs)
      for i in stride(from: tokens.count - 1, to: 0, by: -1) {
        tokens.swapAt(i, generator.nextIndex(below: i + 1))
      }
    } while isBalanced(tokens) && pairs > 1
    if pairs == 1 { tokens = [close, open] }
  }
  sequences.append(tokens)
  labels.append(isBalanced(tokens) ? 1 : 0)
}
let x = padSequences(sequences, maxLength: maximumLength)
let y = Tensor(shape: [samples, 1], scalars: labels)
print("\(samples) strings of 2 to \(maximumLength) brackets, \(Int(labels.reduce(0, +))) balanced")
print(
  "for example: \(sequences[0].map { $0 == open ? "(" : ")" }.joined()) → \(labels[0]), \(sequences[1].map { $0 == open ? "(" : ")" }.joined()) → \(labels[1])"
)

let model = Sequential(seed: seed) {
  Input(shape: [maximumLength])
  Embedding(inputDim: 3, outputDim: 8, maskZero: true)
  Bidirectional(LSTM(units: 32))
  Dense(units: 1, activation: .sigmoid)
}
model.compile(
  optimizer: .adam(learningRate: 0.01), loss: .binaryCrossentropy, metrics: [.binaryAccuracy])
model.summary()
do {
  let history = try model.fit(x, y, epochs: epochs, batchSize: 64, validationSplit: 0.2)
  let accuracy = history["val_binary_accuracy"]!.last!
  print("sequence-classification val_binary_accuracy: \(String(format: "%.4f", accuracy))")
} catch {
  print(error)
  exit(1)
}
