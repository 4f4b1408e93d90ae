import Testing

@testable import Strata

@Test func bidirectionalJoinsAForwardAndABackwardReading() throws {
  let x = sequenceBatch([2, 4, 3], seed: 31)
  let layer = Bidirectional(LSTM(units: 2, returnSequences: true), name: "bi")
  let output = try layer(x)
  #expect(output.shape == [2, 4, 4])
  #expect(layer.forwardLayer.name == "forward_bi" && layer.backwardLayer.name == "backward_bi")
  #expect(layer.backwardLayer.options.goBackwards)
  // The backward half, put back in time order, is the backward layer's reading reversed.
  let backward = try layer.backwardLayer(x).reversed(alongAxis: 1)
  #expect(output.slice(alongAxis: 2, from: 2, count: 2) == backward)
  #expect(output.slice(alongAxis: 2, from: 0, count: 2) == (try layer.forwardLayer(x)))
  #expect(layer.weights.count == 6)
}

@Test func bidirectionalMergeModes() throws {
  let x = sequenceBatch([2, 3, 2], seed: 32)
  let concat = Bidirectional(GRU(units: 3))
  let halves = try concat(x)
  let forward = halves[..., 0..<3]
  let backward = halves[..., 3..<6]
  for (mode, expected) in [
    (Bidirectional.MergeMode.sum, forward + backward), (.multiply, forward * backward),
    (.average, (forward + backward) * 0.5),
  ] {
    let layer = Bidirectional(GRU(units: 3), mergeMode: mode)
    _ = try layer(x)
    for (mine, theirs) in zip(layer.weights, concat.weights) { mine.value = theirs.value }
    #expect(try layer(x) == expected, "\(mode)")
  }
}

@Test(arguments: [false, true])
func bidirectionalGradients(masked: Bool) throws {
  let x = sequenceBatch([3, 4, 2], seed: 33)
  try expectLayerGradientsMatch(
    Bidirectional(SimpleRNN(units: 2, returnSequences: true)), input: x,
    mask: masked ? paddingMask : nil)
  try expectLayerGradientsMatch(
    Bidirectional(LSTM(units: 2), mergeMode: .multiply), input: x,
    mask: masked ? paddingMask : nil)
}

@Test func bidirectionalChecksItsBackwardLayer() throws {
  expectStrataError(.invalidArgument, containing: "must read the sequence the other way") {
    _ = try Bidirectional(LSTM(units: 2), backwardLayer: LSTM(units: 2))(Tensor.ones([1, 3, 2]))
  }
  let explicit = Bidirectional(LSTM(units: 2), backwardLayer: GRU(units: 2, goBackwards: true))
  #expect(try explicit(Tensor.ones([1, 3, 2])).shape == [1, 4])
}

@Test func bidirectionalRoundTrips() throws {
  try expectRoundTrip(
    Bidirectional(LSTM(units: 2, returnSequences: true), mergeMode: .average), inputShape: [4, 3])
}
