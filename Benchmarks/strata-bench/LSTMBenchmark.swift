import Foundation
import Strata

/// The character model of the sequences issue: `Embedding(V, 32) → LSTM(256, sequences) →
/// Dense(V, softmax)`, predicting every next character of 64-character windows of the
/// `fortunes` corpus (the first `bytes` bytes), batch 64, Adam(1e-3). The same model and data
/// as `Benchmarks/peers.py lstm`.
func characterModelData(bytes: Int, length: Int = 64) throws -> (
  x: Tensor, y: Tensor, vocabularySize: Int
) {
  let text = try Fortunes.load(maximumBytes: bytes)
  var characters = TextVectorizer(split: .character, standardize: .none)
  characters.fit(on: [text])
  let ids = characters.encode(text)
  let count = (ids.count - 1) / length
  var inputs = [Float](repeating: 0, count: count * length)
  var targets = [Float](repeating: 0, count: count * length)
  for i in 0..<(count * length) {
    inputs[i] = Float(ids[i])
    targets[i] = Float(ids[i + 1])
  }
  return (
    Tensor(shape: [count, length], scalars: inputs),
    Tensor(shape: [count, length], scalars: targets), characters.vocabularySize
  )
}

func makeCharacterModel(vocabularySize: Int, length: Int = 64, seed: UInt64) -> Sequential {
  Sequential(seed: seed) {
    Input(shape: [length])
    Embedding(inputDim: vocabularySize, outputDim: 32)
    LSTM(units: 256, returnSequences: true)
    Dense(units: vocabularySize, activation: .softmax)
  }
}

/// Trains the character model for `epochs` and prints a table and one JSON line.
func runLSTMBenchmark(epochs: Int, seed: UInt64, bytes: Int) throws {
  let data = try characterModelData(bytes: bytes)
  let model = makeCharacterModel(vocabularySize: data.vocabularySize, seed: seed)
  model.compile(optimizer: .adam(learningRate: 1e-3), loss: .sparseCategoricalCrossentropy)
  let tokens = data.x.scalarCount
  var epochSeconds: [Double] = []
  print(
    "\(data.x.shape[0]) sequences of 64 characters, vocabulary \(data.vocabularySize); batch 64")
  print("epoch  seconds  tokens/s  loss")
  for epoch in 0..<epochs {
    let start = DispatchTime.now().uptimeNanoseconds
    let history = try model.fit(
      data.x, data.y, epochs: epoch + 1, batchSize: 64, initialEpoch: epoch, verbose: 0)
    let seconds = secondsSince(start)
    epochSeconds.append(seconds)
    print(
      String(
        format: "%5d  %7.3f  %8.0f  %.4f", epoch + 1, seconds, Double(tokens) / seconds,
        history["loss"]!.last!))
  }
  let steady = epochSeconds.count > 1 ? Array(epochSeconds.dropFirst()) : epochSeconds
  let median = steady.sorted()[steady.count / 2]
  print(
    "steady-state epoch (median after the first): \(String(format: "%.3f", median)) s, \(Int(Double(tokens) / median)) tokens/s"
  )
  let result: [String: Any] = [
    "benchmark": "lstm", "framework": "strata", "threads": ComputeThreads.count,
    "epoch_seconds": epochSeconds, "median_epoch_seconds": median,
    "tokens_per_second": Double(tokens) / median, "peak_rss_bytes": peakResidentBytes(),
  ]
  let json = try JSONSerialization.data(withJSONObject: result, options: [.sortedKeys])
  print(String(decoding: json, as: UTF8.self))
}
