import Foundation
import Testing

@testable import Strata

@Test func simpleRNNIsTheElmanRecurrence() throws {
  // h₁ = tanh(x₁·W + b), h₂ = tanh(x₂·W + b + h₁·U), computed by hand for one feature and
  // one unit: W = 0.5, U = −1, b = 0.1.
  let model = Sequential {
    Input(shape: [2, 1])
    SimpleRNN(units: 1, returnSequences: true)
  }
  try model.setWeights([Tensor([[0.5]]), Tensor([[-1]]), Tensor([0.1])])
  let output = try model.predict(Tensor(shape: [1, 2, 1], scalars: [1, 2]))
  let h1 = tanhf(0.5 + 0.1)
  let h2 = tanhf(1 + 0.1 - h1)
  expectClose(output.scalars, [h1, h2], tolerance: 1e-6)
}

@Test(arguments: [false, true])
func simpleRNNGradientsForEveryOption(masked: Bool) throws {
  let x = sequenceBatch([3, 4, 2], seed: 21)
  let mask = masked ? paddingMask : nil
  for (sequences, backwards) in [(false, false), (true, false), (false, true), (true, true)] {
    let layer = SimpleRNN(units: 3, returnSequences: sequences, goBackwards: backwards)
    try expectLayerGradientsMatch(layer, input: x, mask: mask)
  }
}

@Test func simpleRNNCountsKerasParameters() throws {
  let model = Sequential {
    Input(shape: [7, 3])
    SimpleRNN(units: 5)
  }
  // units·(features + units + 1)
  #expect(model.parameterCount == 5 * (3 + 5 + 1))
  #expect(model.summaryText().contains("(None, 5)"))
}

@Test func simpleRNNRoundTrips() throws {
  try expectRoundTrip(
    SimpleRNN(units: 3, activation: .relu, returnSequences: true), inputShape: [4, 2])
}
