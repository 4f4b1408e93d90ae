import Foundation
import Strata

// A character-level language model: an LSTM reads 64 characters of real English text (Debian's
// fortunes corpus) and predicts each next character. After every epoch it writes text of its
// own at temperatures 0.5 and 1.0, as Keras's text-generation example does.
//
//   swift run -c release char-rnn [--data DIR] [--bytes N] [--epochs N] [--units N]
//                                 [--learning-rate X] [--seed N]
//
// The corpus comes from `apt-get install fortunes` (/usr/share/games/fortunes), from
// $STRATA_DATASETS/fortunes, or from --data (Tests/Fixtures/fortunes holds a 180 KB excerpt).
var directory: URL? = nil
var bytes = 1_000_000
var epochs = 5
var units = 256
var learningRate: Float = 0.003
var seed: UInt64 = 1
let length = 64
let usage =
  "usage: char-rnn [--data DIR] [--bytes N] [--epochs N] [--units N] [--learning-rate X] [--seed N]"
var arguments = Array(CommandLine.arguments.dropFirst())
while !arguments.isEmpty {
  let flag = arguments.removeFirst()
  guard let value = arguments.first else {
    print("missing value after \(flag); \(usage)")
    exit(64)
  }
  arguments.removeFirst()
  switch flag {
  case "--data": directory = URL(fileURLWithPath: value)
  case "--bytes": bytes = Int(value) ?? bytes
  case "--epochs": epochs = Int(value) ?? epochs
  case "--units": units = Int(value) ?? units
  case "--learning-rate": learningRate = Float(value) ?? learningRate
  case "--seed": seed = UInt64(value) ?? seed
  default:
    print("unknown option \(flag); \(usage)")
    exit(64)
  }
}

let text: String
do { text = try Fortunes.load(directory: directory, maximumBytes: bytes) } catch {
  print(error)
  exit(1)
}

// Characters to ids: 0 is padding, 1 unknown, then by frequency.
var characters = TextVectorizer(split: .character, standardize: .none)
characters.fit(on: [text])
let ids = characters.encode(text)
let vocabulary = characters.vocabularySize

// The entropy of the characters' frequencies, in nats: the loss of a model that knows how often
// each character occurs but not what came before it.
var counts = [Int](repeating: 0, count: vocabulary)
for id in ids { counts[id] += 1 }
let unigramEntropy = counts.reduce(0.0) { sum, count in
  guard count > 0 else { return sum }
  let p = Double(count) / Double(ids.count)
  return sum - p * log(p)
}

// Windows of 64 characters; the target of each position is the character after it.
let windows = (ids.count - 1) / length
var inputs = [Float](repeating: 0, count: windows * length)
var targets = [Float](repeating: 0, count: windows * length)
for i in 0..<(windows * length) {
  inputs[i] = Float(ids[i])
  targets[i] = Float(ids[i + 1])
}
let x = Tensor(shape: [windows, length], scalars: inputs)
let y = Tensor(shape: [windows, length], scalars: targets)
print(
  "\(text.utf8.count) bytes of text, \(vocabulary - 2) distinct characters, \(windows) windows of \(length); unigram entropy \(String(format: "%.3f", unigramEntropy)) nats"
)

/// Writes `count` characters after `prompt`, each drawn from the model's predicted distribution
/// sharpened (temperature < 1) or flattened (> 1) as p^(1/T).
final class Writer {
  let model: Sequential
  let characters: TextVectorizer
  var generator: RandomGenerator

  init(model: Sequential, characters: TextVectorizer, seed: UInt64) {
    self.model = model
    self.characters = characters
    self.generator = RandomGenerator(seed: seed)
  }

  func write(after prompt: [Int], count: Int, temperature: Double) throws -> String {
    var window = prompt
    var written: [Int] = []
    for _ in 0..<count {
      let input = Tensor(shape: [1, window.count], scalars: window.map(Float.init))
      let probabilities = try model.predict(input)[0, window.count - 1].scalars
      var weights = probabilities.map {
        Foundation.pow(Double(Swift.max($0, 1e-12)), 1 / temperature)
      }
      weights[TextVectorizer.paddingID] = 0
      weights[TextVectorizer.unknownID] = 0
      var draw = Double(generator.nextUnitFloat()) * weights.reduce(0, +)
      var next = weights.count - 1
      for (id, weight) in weights.enumerated() {
        draw -= weight
        if draw < 0 {
          next = id
          break
        }
      }
      written.append(next)
      window = Array(window.dropFirst()) + [next]
    }
    return characters.decode(written)
  }
}

/// Trains the model, writing samples after each epoch; returns the validation losses.
func train(
  x: Tensor, y: Tensor, vocabulary: Int, characters: TextVectorizer, prompt: [Int],
  epochs: Int, units: Int, learningRate: Float, seed: UInt64
) throws -> [Float] {
  let model = Sequential(seed: seed) {
    Input(shape: [prompt.count])
    Embedding(inputDim: vocabulary, outputDim: 32)
    LSTM(units: units, returnSequences: true)
    Dense(units: vocabulary, activation: .softmax)
  }
  model.compile(
    optimizer: .adam(learningRate: learningRate), loss: .sparseCategoricalCrossentropy,
    metrics: [.accuracy])
  model.summary()
  let writer = Writer(model: model, characters: characters, seed: seed)
  let samples = LambdaCallback(onEpochEnd: { epoch, _ in
    for temperature in [0.5, 1.0] {
      let text = try writer.write(after: prompt, count: 200, temperature: temperature)
      print("--- epoch \(epoch + 1), temperature \(temperature):\n\(text)\n---")
    }
  })
  let history = try model.fit(
    x, y, epochs: epochs, batchSize: 64, validationSplit: 0.1, callbacks: [samples])
  return history["val_loss"]!
}

do {
  // The prompt is the last window of the text, which sits in the validation part.
  let losses = try train(
    x: x, y: y, vocabulary: vocabulary, characters: characters, prompt: Array(ids.suffix(length)),
    epochs: epochs, units: units, learningRate: learningRate, seed: seed)
  print(
    "char-rnn validation loss per epoch: \(losses.map { String(format: "%.3f", $0) }.joined(separator: ", "))"
  )
  print(
    "char-rnn nats below the unigram entropy: \(String(format: "%.3f", unigramEntropy - Double(losses.min()!)))"
  )
} catch {
  print(error)
  exit(1)
}
