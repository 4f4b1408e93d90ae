import Testing

@testable import Strata

/// x = arange(24).reshape(8, 3) / 10 − 1, y = (arange(16).reshape(8, 2) % 5) / 4,
/// `Dense(2)` with kernel [[0.1, −0.2], [0.3, 0.4], [−0.5, 0.2]] and bias [0.05, −0.1], "mse",
/// fit(batch_size=3, epochs=2, shuffle=False): three batches (3, 3, 2) per epoch.
func optionsProblem() throws -> (Sequential, Tensor, Tensor) {
  let model = Sequential {
    Input(shape: [3])
    Dense(units: 2)
  }
  try model.setWeights([Tensor([[0.1, -0.2], [0.3, 0.4], [-0.5, 0.2]]), Tensor([0.05, -0.1])])
  let x = Tensor(shape: [8, 3], scalars: (0..<24).map { Float($0) / 10 - 1 })
  let y = Tensor(shape: [8, 2], scalars: (0..<16).map { Float($0 % 5) / 4 })
  return (model, x, y)
}

/// Trains the problem with `optimizer` and checks History, `iterations` and the weights
/// against Keras's.
func expectKerasRun(
  _ optimizer: any Optimizer, losses: [Float], iterations: Int, weights: [Float],
  sourceLocation: SourceLocation = #_sourceLocation
) throws {
  let (model, x, y) = try optionsProblem()
  model.compile(optimizer: optimizer, loss: .meanSquaredError)
  let history = try model.fit(x, y, epochs: 2, batchSize: 3, shuffle: false, verbose: 0)
  expectClose(history["loss"]!, losses, sourceLocation: sourceLocation)
  #expect(optimizer.iterations == iterations, sourceLocation: sourceLocation)
  expectClose(model.getWeights().flatMap(\.scalars), weights, sourceLocation: sourceLocation)
}

// Literals: Keras 3.15.1 (JAX), the problem above with the optimizer named in each test;
// the weights are get_weights() after fit (kernel, then bias).

@Test func movingAverageReplacesTheWeightsWhenFitEnds() throws {
  // Adam(0.05, use_ema=True, ema_momentum=0.9).
  try expectKerasRun(
    Adam(learningRate: 0.05, useEMA: true, emaMomentum: 0.9),
    losses: [0.43085533380508423, 0.2395399510860443], iterations: 6,
    weights: [
      0.06236490234732628, -0.2795860469341278, 0.26988619565963745, 0.3280640244483948,
      -0.5217645168304443, 0.13790346682071686, 0.1606362909078598, 0.009725305251777172,
    ])
}

@Test func movingAverageOverwritesTheWeightsEveryFewSteps() throws {
  // Adam(0.05, use_ema=True, ema_momentum=0.9, ema_overwrite_frequency=4): the second
  // epoch trains from the averages written after step 4.
  try expectKerasRun(
    .adam(learningRate: 0.05, useEMA: true, emaMomentum: 0.9, emaOverwriteFrequency: 4),
    losses: [0.43085533380508423, 0.3113834261894226], iterations: 6,
    weights: [
      0.058026354759931564, -0.26858553290367126, 0.26297321915626526, 0.33664023876190186,
      -0.5315289497375488, 0.14328497648239136, 0.1396334171295166, -0.011173184961080551,
    ])
}

@Test func gradientAccumulationUpdatesWithTheMeanOfSeveralSteps() throws {
  // SGD(0.1, momentum=0.5, gradient_accumulation_steps=2): 6 steps, 3 updates.
  try expectKerasRun(
    SGD(learningRate: 0.1, momentum: 0.5, gradientAccumulationSteps: 2),
    losses: [0.40948599576950073, 0.31014472246170044], iterations: 3,
    weights: [
      0.16877256333827972, -0.2733219563961029, 0.3894934058189392, 0.3433878421783447,
      -0.3897858262062073, 0.16009770333766937, 0.2572081685066223, 0.06709831207990646,
    ])
  // Adam(0.05, gradient_accumulation_steps=3): 2 updates, bias-corrected for t = 1, 2.
  try expectKerasRun(
    Adam(learningRate: 0.05, gradientAccumulationSteps: 3),
    losses: [0.4167250096797943, 0.33076995611190796], iterations: 2,
    weights: [
      0.1981320083141327, -0.29726025462150574, 0.3985215425491333, 0.3047937750816345,
      -0.40124648809432983, 0.11106430739164352, 0.14960302412509918, -5.05298376083374e-05,
    ])
}

@Test func excludedWeightsSkipTheWeightDecay() throws {
  // AdamW(0.05, weight_decay=0.5) after exclude_from_weight_decay(var_names=["bias"]); without
  // the exclusion the bias ends at [0.3017047643661499, 0.171732097864151].
  let optimizer = AdamW(learningRate: 0.05, weightDecay: 0.5)
  try optimizer.excludeFromWeightDecay(names: ["bias"])
  try expectKerasRun(
    optimizer, losses: [0.42883509397506714, 0.23497465252876282], iterations: 6,
    weights: [
      0.11061471700668335, -0.30900195240974426, 0.3041478991508484, 0.23608659207820892,
      -0.3604986071586609, 0.10128562897443771, 0.3254473805427551, 0.17520023882389069,
    ])
  expectStrataError(.invalidState, containing: "before the optimizer is built") {
    try optimizer.excludeFromWeightDecay(names: ["kernel"])
  }
  let (model, _, _) = try optionsProblem()
  let byWeight = AdamW(learningRate: 0.05, weightDecay: 0.5)
  try byWeight.excludeFromWeightDecay(weights: [model.layers[0].weights[1]])
  #expect(!byWeight.core.decays(model.layers[0].weights[1]))
  #expect(byWeight.core.decays(model.layers[0].weights[0]))
}

@Test func optimizerOptionsAreCheckedWithKerasMessages() throws {
  let (model, x, y) = try optionsProblem()
  let cases: [(any Optimizer, String)] = [
    (SGD(gradientAccumulationSteps: 1), "must be an integer >= 2"),
    (Adam(useEMA: true, emaMomentum: 1.5), "must be in the range [0, 1]"),
    (RMSprop(useEMA: true, emaOverwriteFrequency: 0), "must be an integer >= 1 or None"),
  ]
  for (optimizer, message) in cases {
    model.compile(optimizer: optimizer, loss: .meanSquaredError)
    expectStrataError(.invalidArgument, containing: message) {
      _ = try model.fit(x, y, verbose: 0)
    }
  }
}

@Test func movingAveragesAndAccumulatedGradientsAreSavedWithTheModel() throws {
  // Stopped after 4 of 6 steps and resumed from a file, training gives the same weights as
  // the uninterrupted run: the averages and the partial sums are part of the state.
  func optimizer() -> Adam {
    Adam(learningRate: 0.05, useEMA: true, emaMomentum: 0.9, gradientAccumulationSteps: 3)
  }
  let (whole, x, y) = try optionsProblem()
  whole.compile(optimizer: optimizer(), loss: .meanSquaredError)
  for _ in 0..<5 { try whole.trainOnBatch(x.rows(0..<3), y.rows(0..<3)) }
  let (resumed, _, _) = try optionsProblem()
  resumed.compile(optimizer: optimizer(), loss: .meanSquaredError)
  for _ in 0..<4 { try resumed.trainOnBatch(x.rows(0..<3), y.rows(0..<3)) }
  let restored = try savedAndLoaded(resumed)
  #expect(restored.optimizer!.stateSlotCount == 4)
  try restored.trainOnBatch(x.rows(0..<3), y.rows(0..<3))
  #expect(restored.getWeights() == whole.getWeights())
  #expect(
    restored.optimizer!.slots(for: restored.layers[0].weights[0])
      == whole.optimizer!.slots(for: whole.layers[0].weights[0]))
  try expectRoundTrip(optimizer())
}
