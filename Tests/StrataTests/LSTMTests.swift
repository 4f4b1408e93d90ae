import Testing

@testable import Strata

/// A reproducible sequence batch `[batch, steps, features]` with values in about ±1.
func sequenceBatch(_ shape: [Int], seed: UInt64) -> Tensor {
  var generator = RandomGenerator(seed: seed)
  return Tensor.uniform(shape, lowerBound: -1, upperBound: 1, generator: &generator)
}

/// A `[3, 4]` time-step mask: row 0 whole, row 1 padded at the end, row 2 at the start.
let paddingMask = Tensor([[1, 1, 1, 1], [1, 1, 0, 0], [0, 1, 1, 1]])

@Test(arguments: [false, true])
func lstmGradientsForEveryOption(masked: Bool) throws {
  let x = sequenceBatch([3, 4, 2], seed: 1)
  let mask = masked ? paddingMask : nil
  for (sequences, backwards) in [(false, false), (true, false), (false, true), (true, true)] {
    let layer = LSTM(units: 3, returnSequences: sequences, goBackwards: backwards)
    try expectLayerGradientsMatch(layer, input: x, mask: mask)
  }
  // Activations other than tanh and sigmoid take the composed path.
  try expectLayerGradientsMatch(
    LSTM(units: 2, activation: .softplus, recurrentActivation: .tanh), input: x, mask: mask)
}

@Test func lstmHasKerasWeightShapesAndUnitForgetBias() throws {
  let layer = LSTM(units: 4)
  var generator = RandomGenerator(seed: 1)
  try layer.build(inputShape: [5, 3], generator: &generator)
  #expect(layer.kernel?.shape == [3, 16])
  #expect(layer.recurrentKernel?.shape == [4, 16])
  // Keras's unit_forget_bias: zeros, ones for the forget gate, zeros.
  #expect(layer.bias?.value.scalars == [0, 0, 0, 0, 1, 1, 1, 1] + [Float](repeating: 0, count: 8))
  // 4·units·(features + units + 1), as Keras's summary counts it.
  #expect(layer.parameterCount == 128)
  #expect(try layer.outputShape(forInputShape: [5, 3]) == [4])
  #expect(try LSTM(units: 4, returnSequences: true).outputShape(forInputShape: [5, 3]) == [5, 4])
  #expect(try layer.weightShapes(forInputShape: [5, 3])?["recurrent_kernel"] == [4, 16])
}

@Test func lstmReturnsItsStatesAndItsLastOutput() throws {
  let x = sequenceBatch([2, 5, 3], seed: 2)
  let layer = LSTM(units: 3)
  let (output, states) = try layer.callReturningStates(x)
  #expect(states.count == 2)
  #expect(output == states[0])
  // The last step of the full sequence is the last output.
  let sequences = LSTM(units: 3, returnSequences: true)
  var generator = RandomGenerator(seed: 99)
  try sequences.build(inputShape: [5, 3], generator: &generator)
  for (mine, theirs) in zip(sequences.weights, layer.weights) { mine.value = theirs.value }
  let all = try sequences(x)
  #expect(all.shape == [2, 5, 3])
  expectClose(all[..., 4].scalars, output.scalars, tolerance: 1e-6)
}

@Test func lstmLeavesItsStateUnchangedOnPaddedSteps() throws {
  // Keras's masking: a padded step carries the state (and the output) over, so a sequence
  // with two padded steps at the end ends where its first three steps do.
  let x = sequenceBatch([1, 5, 2], seed: 3)
  let layer = LSTM(units: 3)
  let truncated = try layer(x[..., 0..<3])
  let masked = try layer(x, mask: Tensor([[1, 1, 1, 0, 0]]))
  expectClose(masked.scalars, truncated.scalars, tolerance: 1e-6)
  // Without the mask the padding is read.
  #expect(try layer(x) != truncated)
}

@Test func lstmDropsOnlyInTraining() throws {
  let x = sequenceBatch([4, 6, 3], seed: 4)
  let layer = LSTM(units: 5, dropout: 0.5, recurrentDropout: 0.3)
  let inference = try layer(x)
  #expect(try layer(x) == inference)
  #expect(try layer(x, training: true) != inference)
}

@Test func lstmReportsBadInputAndArguments() throws {
  expectStrataError(.shapeMismatch, containing: "expected ndim=3, found ndim=2") {
    _ = try LSTM(units: 2)(Tensor.ones([4, 3]))
  }
  expectStrataError(.invalidArgument, containing: "`units`") {
    _ = try LSTM(units: 0).outputShape(forInputShape: [3, 2])
  }
  expectStrataError(.invalidArgument, containing: "`dropout` must be between 0 and 1") {
    _ = try LSTM(units: 2, dropout: 1.5).outputShape(forInputShape: [3, 2])
  }
  let model = Sequential {
    Input(shape: [3, 2])
    LSTM(units: 2, returnState: true)
  }
  expectStrataError(.invalidArgument, containing: "callReturningStates") {
    _ = try model.predict(Tensor.ones([1, 3, 2]))
  }
}

@Test func lstmRoundTrips() throws {
  try expectRoundTrip(
    LSTM(units: 3, recurrentActivation: .tanh, unitForgetBias: false, returnSequences: true),
    inputShape: [4, 2])
}
