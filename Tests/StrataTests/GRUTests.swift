import Testing

@testable import Strata

@Test(arguments: [false, true])
func gruGradientsForEveryOption(masked: Bool) throws {
  let x = sequenceBatch([3, 4, 2], seed: 11)
  let mask = masked ? paddingMask : nil
  for resetAfter in [true, false] {
    for (sequences, backwards) in [(false, false), (true, false), (false, true), (true, true)] {
      let layer = GRU(
        units: 3, resetAfter: resetAfter, returnSequences: sequences, goBackwards: backwards)
      try expectLayerGradientsMatch(layer, input: x, mask: mask)
    }
  }
  try expectLayerGradientsMatch(GRU(units: 2, activation: .softplus), input: x, mask: mask)
}

@Test func gruHasKerasWeightShapes() throws {
  var generator = RandomGenerator(seed: 1)
  let layer = GRU(units: 4)
  try layer.build(inputShape: [5, 3], generator: &generator)
  #expect(layer.kernel?.shape == [3, 12])
  #expect(layer.recurrentKernel?.shape == [4, 12])
  // reset_after: an input bias row and a recurrent bias row.
  #expect(layer.bias?.shape == [2, 12])
  // 3·units·(features + units + 2), Keras's count with reset_after.
  #expect(layer.parameterCount == 3 * 4 * (3 + 4 + 2))
  let before = GRU(units: 4, resetAfter: false)
  try before.build(inputShape: [5, 3], generator: &generator)
  #expect(before.bias?.shape == [12])
  #expect(try before.weightShapes(forInputShape: [5, 3])?["bias"] == [12])
}

@Test func gruLeavesItsStateUnchangedOnPaddedSteps() throws {
  let x = sequenceBatch([1, 6, 2], seed: 12)
  let layer = GRU(units: 3)
  let truncated = try layer(x[..., 2..<6])
  // Padding at the start: the state stays at zero until the first real step.
  let masked = try layer(x, mask: Tensor([[0, 0, 1, 1, 1, 1]]))
  expectClose(masked.scalars, truncated.scalars, tolerance: 1e-6)
}

@Test func gruReportsBadInput() throws {
  let layer = GRU(units: 2)
  _ = try layer(Tensor.ones([1, 3, 4]))
  expectStrataError(.shapeMismatch, containing: "expected axis -1 of input shape to have value 4") {
    _ = try layer(Tensor.ones([1, 3, 5]))
  }
}

@Test func gruRoundTrips() throws {
  try expectRoundTrip(GRU(units: 3, resetAfter: false, goBackwards: true), inputShape: [4, 2])
}
