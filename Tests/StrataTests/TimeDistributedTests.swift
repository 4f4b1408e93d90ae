import Testing

@testable import Strata

@Test func timeDistributedAppliesOneLayerToEveryStep() throws {
  let dense = Dense(units: 2)
  let layer = TimeDistributed(dense)
  let x = sequenceBatch([3, 4, 5], seed: 41)
  let output = try layer(x)
  #expect(output.shape == [3, 4, 2])
  for t in 0..<4 {
    #expect(output[..., t] == (try dense(x[..., t])))
  }
  #expect(layer.parameterCount == 12)
  #expect(try layer.outputShape(forInputShape: [4, 5]) == [4, 2])
  expectStrataError(.shapeMismatch, containing: "at least 3 axes") {
    _ = try TimeDistributed(Dense(units: 1)).outputShape(forInputShape: [4])
  }
}

@Test func timeDistributedGradients() throws {
  try expectLayerGradientsMatch(
    TimeDistributed(Dense(units: 2, activation: .tanh)), input: sequenceBatch([2, 3, 4], seed: 42))
}

@Test func timeDistributedRoundTrips() throws {
  try expectRoundTrip(TimeDistributed(Dense(units: 3, activation: .relu)), inputShape: [4, 2])
}
