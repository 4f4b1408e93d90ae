import Testing

@testable import Strata

@Test func lionMatchesKerasAfterTwoEpochs() throws {
  // KerasReference.md §2's problem, fit(epochs=2, batch_size=3, shuffle=False), Keras 3.15.1
  // (JAX): with Lion() the weights are [0.10200001, -0.19800000, 0.05200000] and the momentum
  // [-0.017704181, -0.023190027, -0.005485849]; with Lion(0.01, beta_1=0.5, beta_2=0.9)
  // [0.12000000, -0.17999999, 0.07000000] and [-0.16284443, -0.21351422, -0.05066979].
  let cases: [(Lion, [Float], [Float])] = [
    (.lion, [0.10200001, -0.19800000, 0.05200000], [-0.017704181, -0.023190027, -0.005485849]),
    (
      .lion(learningRate: 0.01, beta1: 0.5, beta2: 0.9), [0.12000000, -0.17999999, 0.07000000],
      [-0.16284443, -0.21351422, -0.05066979]
    ),
  ]
  for (optimizer, weights, momentum) in cases {
    let (model, x, y) = try kerasReferenceModel()
    model.compile(optimizer: optimizer, loss: .binaryCrossentropy)
    try model.fit(x, y, epochs: 2, batchSize: 3, shuffle: false, verbose: 0)
    let found = model.getWeights()
    expectClose(found[0].scalars + found[1].scalars, weights, tolerance: 1e-6)
    let slots = model.trainableWeights.flatMap { optimizer.slots(for: $0)[0].scalars }
    expectClose(slots, momentum, tolerance: 1e-6)
  }
}

@Test func lionRefusesABeta1OutsideZeroToOne() {
  let (model, x, y) = try! kerasReferenceModel()
  model.compile(optimizer: .lion(beta1: 0), loss: .binaryCrossentropy)
  expectStrataError(.invalidArgument, containing: "Argument `beta_1` must be in the [0, 1] range") {
    try model.fit(x, y, epochs: 1, verbose: 0)
  }
}

@Test func lionRoundTripsAndItsShorthandTakesEveryArgument() throws {
  try expectRoundTrip(Lion(learningRate: 3e-4, beta1: 0.95, beta2: 0.98, clipNorm: 1))
  let shorthand = Lion.lion(beta2: 0.9, globalClipNorm: 2, weightDecay: 0.1)
  #expect(
    shorthand.configuration == Lion(beta2: 0.9, globalClipNorm: 2, weightDecay: 0.1).configuration)
  #expect(shorthand.configuration != (try Lion(configuration: [:])).configuration)
}
