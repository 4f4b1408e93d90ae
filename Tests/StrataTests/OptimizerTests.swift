import Testing

@testable import Strata

/// Two epochs of `fit(batch_size=3, shuffle=False)` on the reference problem; expected
/// `[W0, W1, b]` from keras 3.15.1 (jax backend) in KerasReference.md §2, which a NumPy
/// re-implementation of the update rules also reproduces to 1e-8.
@Test(
  arguments: [
    ("SGD", [0.11719970, -0.17744786, 0.05535245]),
    ("SGD(0.1, momentum=0.9, nesterov=True)", [0.28214779, 0.04674238, 0.11459461]),
    ("Adam", [0.10199977, -0.19800022, 0.05199979]),
    ("RMSprop", [0.10542988, -0.19456942, 0.05543277]),
    ("Adagrad", [0.10162603, -0.19834259, 0.05120590]),
    ("AdamW", [0.10199897, -0.19799863, 0.05199938]),
    ("Nadam", [0.10183366, -0.19816628, 0.05183396]),
    ("Adamax", [0.10199703, -0.19800287, 0.05199745]),
    ("Adadelta", [0.10000285, -0.19999716, 0.05000285]),
  ] as [(String, [Float])])
func optimizerMatchesKerasAfterTwoEpochs(name: String, expected: [Float]) throws {
  let optimizers: [String: any Optimizer] = [
    "SGD": .sgd,
    "SGD(0.1, momentum=0.9, nesterov=True)": .sgd(learningRate: 0.1, momentum: 0.9, nesterov: true),
    "Adam": .adam, "RMSprop": .rmsprop, "Adagrad": .adagrad, "AdamW": .adamW, "Nadam": .nadam,
    "Adamax": .adamax, "Adadelta": .adadelta,
  ]
  let (model, x, y) = try kerasReferenceModel()
  model.compile(optimizer: optimizers[name]!, loss: .binaryCrossentropy)
  try model.fit(x, y, epochs: 2, batchSize: 3, shuffle: false, verbose: 0)
  let weights = model.getWeights()
  expectClose(weights[0].scalars + weights[1].scalars, expected, tolerance: 2e-6)
  #expect(model.optimizer!.iterations == 2)
}

@Test func optimizerStateCarriesOverBetweenFitCalls() throws {
  // Two fit calls of one epoch each equal one call of two epochs (incremental learning).
  let (once, x, y) = try kerasReferenceModel()
  once.compile(optimizer: .adam, loss: .binaryCrossentropy)
  try once.fit(x, y, epochs: 2, batchSize: 3, shuffle: false, verbose: 0)
  let (twice, _, _) = try kerasReferenceModel()
  twice.compile(optimizer: .adam, loss: .binaryCrossentropy)
  try twice.fit(x, y, epochs: 1, batchSize: 3, shuffle: false, verbose: 0)
  try twice.fit(x, y, epochs: 1, batchSize: 3, shuffle: false, verbose: 0)
  #expect(once.getWeights() == twice.getWeights())
  #expect(twice.optimizer!.slots(for: twice.trainableWeights[0]).count == 2)
}

@Test func sgdMomentumAndClippingFollowKerasFormulas() throws {
  // One SGD step on w = [1, 2] with g = [3, 4] (‖g‖ = 5):
  // clipNorm 1 scales g to [0.6, 0.8]; clipValue 1 clips to [1, 1]; lr 0.1.
  let weight = Weight(name: "w", value: Tensor([1, 2]))
  try SGD(learningRate: 0.1, clipNorm: 1).apply([Tensor([3, 4])], to: [weight])
  expectClose(weight.value.scalars, [0.94, 1.92])
  let clipped = Weight(name: "w", value: Tensor([1, 2]))
  try SGD(learningRate: 0.1, clipValue: 1).apply([Tensor([3, 4])], to: [clipped])
  expectClose(clipped.value.scalars, [0.9, 1.9])
  // Global norm over [3, 4] and [12]: sqrt(9 + 16 + 144) = 13 → scale 1/13 with clip 1.
  let a = Weight(name: "a", value: Tensor([0, 0]))
  let b = Weight(name: "b", value: Tensor([0]))
  try SGD(learningRate: 1, globalClipNorm: 1).apply([Tensor([3, 4]), Tensor([12])], to: [a, b])
  expectClose(a.value.scalars + b.value.scalars, [-3.0 / 13, -4.0 / 13, -12.0 / 13])
  // Momentum 0.9: m1 = -0.1·g, m2 = 0.9·m1 - 0.1·g → w = 1 - 0.1·3 - 0.19·3 = 0.13.
  let m = Weight(name: "m", value: Tensor([1]))
  let sgd = SGD(learningRate: 0.1, momentum: 0.9)
  try sgd.apply([Tensor([3])], to: [m])
  try sgd.apply([Tensor([3])], to: [m])
  expectClose(m.value.scalars, [0.13])
}

@Test func weightDecayAndLearningRateDecay() throws {
  // Decoupled decay before the update: w = 1 - 1·0.5·0.1 = 0.95, then SGD with g = 0.
  let w = Weight(name: "w", value: Tensor([1]))
  try SGD(learningRate: 0.1, weightDecay: 0.5).apply([Tensor([0])], to: [w])
  expectClose(w.value.scalars, [0.95])
  // Time-based decay: lr_t = 0.1 / (1 + 1·t) for t = 0, 1 → steps of 0.1 and 0.05 with g = 1.
  let v = Weight(name: "v", value: Tensor([0]))
  let sgd = SGD(learningRate: 0.1, decay: 1)
  try sgd.apply([Tensor([1])], to: [v])
  try sgd.apply([Tensor([1])], to: [v])
  expectClose(v.value.scalars, [-0.15])
}

@Test func invalidOptimizerSettingsAreReportedByFit() throws {
  let (model, x, y) = try kerasReferenceModel()
  model.compile(optimizer: SGD(clipNorm: 1, clipValue: 1), loss: .binaryCrossentropy)
  expectStrataError(.invalidArgument, containing: "only one of") {
    try model.fit(x, y, verbose: 0)
  }
  model.compile(optimizer: SGD(momentum: 2), loss: .binaryCrossentropy)
  expectStrataError(.invalidArgument, containing: "momentum=2.0") {
    try model.fit(x, y, verbose: 0)
  }
}

@Test func reusingAnOptimizerForASecondModelThrowsAndChangesNothing() throws {
  // Keras builds an optimizer for one set of variables. Before, slots were keyed by weight
  // addresses: a second model's weights could reuse a freed weight's address and crash
  // RMSprop's update ("precondition failure") or silently take over its state.
  let shared = RMSprop(momentum: 0.5)
  let (first, x, y) = try kerasReferenceModel()
  first.compile(optimizer: shared, loss: .binaryCrossentropy)
  try first.fit(x, y, epochs: 1, verbose: 0)
  let (second, _, _) = try kerasReferenceModel()
  second.compile(optimizer: shared, loss: .binaryCrossentropy)
  let before = second.getWeights()
  expectStrataError(.invalidState, containing: "Create a new optimizer for model 'sequential'") {
    try second.fit(x, y, epochs: 1, verbose: 0)
  }
  #expect(second.getWeights() == before)
  #expect(shared.iterations == 1)
  // The first model keeps training with it, and the second trains with its own.
  try first.fit(x, y, epochs: 1, verbose: 0)
  second.compile(optimizer: RMSprop(momentum: 0.5), loss: .binaryCrossentropy)
  try second.fit(x, y, epochs: 1, verbose: 0)
  #expect(shared.iterations == 2 && second.optimizer!.iterations == 1)
  // Calling apply by hand on other weights is refused the same way.
  expectStrataError(.invalidState, containing: "already updates the weights") {
    try shared.apply([Tensor([1])], to: [Weight(name: "w", value: Tensor([0]))])
  }
  expectStrataError(.invalidArgument, containing: "2 gradients for 1 weights") {
    try SGD().apply([Tensor([1]), Tensor([1])], to: [Weight(name: "w", value: Tensor([0]))])
  }
}

@Test func weightIdentitiesAreNeverReused() {
  // Object addresses are recycled once a weight is freed; `Weight.id` is not.
  var seen = Set<UInt64>()
  for _ in 0..<1000 { seen.insert(Weight(name: "w", value: Tensor([0])).id) }
  #expect(seen.count == 1000)
}

@Test func optimizersRoundTripWithTheirState() throws {
  try expectRoundTrip(SGD(learningRate: 0.05, momentum: 0.8, nesterov: true, clipNorm: 1))
  try expectRoundTrip(RMSprop(rho: 0.8, momentum: 0.1, centered: true))
  try expectRoundTrip(Adagrad(initialAccumulatorValue: 0.2))
  try expectRoundTrip(Adadelta(learningRate: 0.5, rho: 0.9))
  try expectRoundTrip(Adam(beta1: 0.8, amsgrad: true, weightDecay: 0.01))
  try expectRoundTrip(AdamW(weightDecay: 0.02))
  try expectRoundTrip(Adamax(beta2: 0.99, globalClipNorm: 2))
  try expectRoundTrip(Nadam(epsilon: 1e-6, clipValue: 0.5, decay: 0.01))
}

@Test func adamRoundsItsComplementsAsKerasDoes() throws {
  // Keras 3.15.1 (JAX): Dense(1, kernel_initializer="zeros", use_bias=False), Adam(), MSE,
  // x = [[1, 2], [3, -1]], y = [[1], [2]], batch 2, 3 epochs without shuffling: the kernel is
  // [0.0029998449608683586, 0.0004811866965610534]. Keras takes 1 − β₂ in double (0.001), not
  // in float32 (0.00099998713): the second weight differs by 6e-6 relative the other way.
  let model = Sequential {
    Dense(units: 1, inputShape: [2], useBias: false, kernelInitializer: .zeros)
  }
  model.compile(optimizer: .adam, loss: .meanSquaredError)
  try model.fit(
    Tensor([[1, 2], [3, -1]]), Tensor([[1], [2]]), epochs: 3, batchSize: 2, shuffle: false,
    verbose: 0)
  let expected: [Float] = [0.0029998449608683586, 0.0004811866965610534]
  for (found, keras) in zip(model.getWeights()[0].scalars, expected) {
    #expect(abs(found - keras) <= 1e-6 * abs(keras), "\(found) vs Keras \(keras)")
  }
  #expect(kerasComplement(0.999) == Float(0.001))
  #expect(kerasComplement(0.9) == Float(0.1))
}

@Test func shorthandsTakeEveryArgumentTheClassesDo() throws {
  // `.adam(…)` and the others accept what their classes' initializers do, so
  // `optimizer: .adam(amsgrad: true, clipNorm: 1)` needs no class name.
  let pairs: [(any Optimizer, any Optimizer)] = [
    (
      .sgd(momentum: 0.9, nesterov: true, clipValue: 0.5),
      SGD(momentum: 0.9, nesterov: true, clipValue: 0.5)
    ),
    (.rmsprop(centered: true, globalClipNorm: 2), RMSprop(centered: true, globalClipNorm: 2)),
    (
      .adam(amsgrad: true, clipNorm: 1, weightDecay: 0.01),
      Adam(amsgrad: true, clipNorm: 1, weightDecay: 0.01)
    ),
    (
      .adamW(weightDecay: 0.1, amsgrad: true, clipValue: 3),
      AdamW(weightDecay: 0.1, amsgrad: true, clipValue: 3)
    ),
    (
      .adagrad(initialAccumulatorValue: 0.5, clipNorm: 4),
      Adagrad(initialAccumulatorValue: 0.5, clipNorm: 4)
    ),
    (.adadelta(rho: 0.9, weightDecay: 0.2), Adadelta(rho: 0.9, weightDecay: 0.2)),
    (.adamax(beta2: 0.99, globalClipNorm: 1), Adamax(beta2: 0.99, globalClipNorm: 1)),
    (.nadam(epsilon: 1e-5, clipValue: 0.1), Nadam(epsilon: 1e-5, clipValue: 0.1)),
  ]
  for (shorthand, instance) in pairs {
    #expect(shorthand.configuration == instance.configuration, "\(instance.name)")
    let defaults = try type(of: instance).init(configuration: [:])
    #expect(shorthand.configuration != defaults.configuration)
  }
}
