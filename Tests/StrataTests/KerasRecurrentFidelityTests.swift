import Foundation
import Testing

@testable import Strata

// The cases of Tests/keras/recurrent_fidelity.py, built in Strata with the same initial
// weights (`fidelityWeights`, shared with the convolution cases) and data: after three
// SGD(0.05) steps on the mean squared error, every loss and every weight must equal Keras 3's
// (KerasRecurrentReference.swift) to 1e-5 relative.

/// How a case's input is made: floats, padded token ids, or floats with padded steps zeroed.
enum RecurrentFidelityInput: Sendable { case float, tokens, masked }

let recurrentFidelityCases:
  [String: (kind: RecurrentFidelityInput, input: [Int], layers: @Sendable () -> [any Layer])] = [
    "simple_rnn": (.float, [4, 5, 3], { [SimpleRNN(units: 4)] }),
    "simple_rnn_sequences_relu": (
      .float, [4, 5, 3], { [SimpleRNN(units: 3, activation: .relu, returnSequences: true)] }
    ),
    "lstm": (.float, [4, 5, 3], { [LSTM(units: 4)] }),
    "lstm_sequences_backwards": (
      .float, [4, 5, 3], { [LSTM(units: 3, returnSequences: true, goBackwards: true)] }
    ),
    "lstm_relu": (.float, [4, 5, 3], { [LSTM(units: 3, activation: .relu)] }),
    "gru": (.float, [4, 5, 3], { [GRU(units: 4)] }),
    "gru_relu": (.float, [4, 5, 3], { [GRU(units: 3, activation: .relu)] }),
    "gru_reset_before_sequences": (
      .float, [4, 5, 3], { [GRU(units: 3, resetAfter: false, returnSequences: true)] }
    ),
    "stacked_lstm_gru": (
      .float, [4, 5, 3], { [LSTM(units: 3, returnSequences: true), GRU(units: 2)] }
    ),
    "bidirectional_lstm": (.float, [4, 5, 3], { [Bidirectional(LSTM(units: 3))] }),
    "bidirectional_gru_sequences_sum": (
      .float, [4, 5, 3],
      { [Bidirectional(GRU(units: 2, returnSequences: true), mergeMode: .sum)] }
    ),
    "embedding_mask_zero_lstm": (
      .tokens, [4, 6], { [Embedding(inputDim: 7, outputDim: 3, maskZero: true), LSTM(units: 4)] }
    ),
    "embedding_mask_zero_gru_sequences": (
      .tokens, [4, 6],
      {
        [
          Embedding(inputDim: 7, outputDim: 3, maskZero: true),
          GRU(units: 3, returnSequences: true),
        ]
      }
    ),
    "embedding_mask_zero_bidirectional_lstm": (
      .tokens, [4, 6],
      { [Embedding(inputDim: 7, outputDim: 3, maskZero: true), Bidirectional(LSTM(units: 2))] }
    ),
    "embedding_mask_zero_bidirectional_sequences": (
      .tokens, [4, 6],
      {
        [
          Embedding(inputDim: 7, outputDim: 3, maskZero: true),
          Bidirectional(SimpleRNN(units: 2, returnSequences: true)),
        ]
      }
    ),
    "embedding_without_mask": (
      .tokens, [4, 6], { [Embedding(inputDim: 7, outputDim: 3), SimpleRNN(units: 3)] }
    ),
    "masking_gru": (.masked, [4, 6, 2], { [Masking(), GRU(units: 3)] }),
    "layer_normalization_time_distributed": (
      .float, [4, 5, 3],
      {
        [
          LSTM(units: 4, returnSequences: true), LayerNormalization(),
          TimeDistributed(Dense(units: 2)),
        ]
      }
    ),
  ]

/// The script's inputs: 1 for a real step, 0 for the last `r mod 3` steps of row `r`.
func recurrentFidelityInput(_ kind: RecurrentFidelityInput, shape: [Int]) -> Tensor {
  let count = shape.reduce(1, *)
  let (rows, steps) = (shape[0], shape[1])
  let inner = count / (rows * steps)
  let values = (0..<count).map { i -> Float in
    let (row, step) = (i / (steps * inner), (i / inner) % steps)
    let real: Float = step < steps - row % 3 ? 1 : 0
    switch kind {
    case .tokens: return Float(1 + (3 * i) % 6) * real
    case .float: return Float(sin(0.37 * Double(i)))
    case .masked: return Float(sin(0.37 * Double(i))) * real
    }
  }
  return Tensor(shape: shape, scalars: values)
}

@Test(arguments: recurrentFidelityCases.keys.sorted())
func recurrentLayersTrainAsKerasDoes(name: String) throws {
  let (kind, input, body) = try #require(recurrentFidelityCases[name])
  let expected = try #require(kerasRecurrentReference[name])
  let model = Sequential {
    Input(shape: Array(input.dropFirst()))
    body()
    Flatten()
    Dense(units: 1)
  }
  try model.setWeights(fidelityWeights(for: model))
  model.compile(optimizer: .sgd(learningRate: 0.05), loss: .meanSquaredError)
  let x = recurrentFidelityInput(kind, shape: input)
  let y = Tensor(shape: [input[0], 1], scalars: (0..<input[0]).map { Float(cos(Double($0))) })
  let losses = try (0..<3).map { _ in try model.trainOnBatch(x, y)["loss"]! }
  expectClose(losses, expected.losses, tolerance: 1e-5)
  expectClose(model.getWeights().flatMap(\.scalars), expected.weights, tolerance: 1e-5)
}

@Test func everyRecurrentFidelityCaseHasKerasValues() {
  #expect(Set(recurrentFidelityCases.keys) == Set(kerasRecurrentReference.keys))
}

/// Per-step labels: an output `[batch, steps, classes]` trained on sparse categorical
/// cross-entropy with accuracy over every step (Tests/keras/recurrent_fidelity.py).
let perStepLabelCases:
  [String: (kind: RecurrentFidelityInput, input: [Int], layers: @Sendable () -> [any Layer])] = [
    "lstm_per_step_softmax": (
      .float, [4, 5, 3],
      { [LSTM(units: 4, returnSequences: true), Dense(units: 5, activation: .softmax)] }
    ),
    "embedding_gru_per_step_softmax": (
      .tokens, [4, 6],
      {
        [
          Embedding(inputDim: 7, outputDim: 3), GRU(units: 4, returnSequences: true),
          Dense(units: 5, activation: .softmax),
        ]
      }
    ),
  ]

@Test(arguments: perStepLabelCases.keys.sorted())
func perStepLabelsTrainAsKerasDoes(name: String) throws {
  let (kind, input, body) = try #require(perStepLabelCases[name])
  let expected = try #require(kerasPerStepLabelReference[name])
  let model = Sequential {
    Input(shape: Array(input.dropFirst()))
    body()
  }
  try model.setWeights(fidelityWeights(for: model))
  model.compile(
    optimizer: .sgd(learningRate: 0.5), loss: .sparseCategoricalCrossentropy,
    metrics: [.accuracy])
  let x = recurrentFidelityInput(kind, shape: input)
  let labels = (0..<(input[0] * input[1])).map { Float($0 % 5) }
  let y = Tensor(shape: [input[0], input[1]], scalars: labels)
  let logs = try (0..<3).map { _ in try model.trainOnBatch(x, y) }
  expectClose(logs.map { $0["loss"]! }, expected.losses, tolerance: 1e-5)
  expectClose(logs.map { $0["accuracy"]! }, expected.accuracies, tolerance: 1e-6)
  expectClose(model.getWeights().flatMap(\.scalars), expected.weights, tolerance: 1e-5)
  #expect(Set(perStepLabelCases.keys) == Set(kerasPerStepLabelReference.keys))
}
