import Testing

@testable import Strata

/// x = arange(12).reshape(6, 2) / 10, y = [[1], [0], [2], [1], [0], [3]], sample weights
/// [1, 2, 1, 1, 0.5, 1], `Dense(1, kernel_initializer="ones")`, SGD(0.01), batches of 3, no
/// shuffling (the script is in the test below).
private func reductionProblem(regularizer: Regularizer? = nil) throws -> (
  Sequential, Tensor, Tensor, Tensor
) {
  let model = Sequential {
    Input(shape: [2])
    Dense(units: 1, kernelInitializer: .ones, regularizer: regularizer)
  }
  let x = Tensor(shape: [6, 2], scalars: (0..<12).map { Float($0) / 10 })
  return (model, x, Tensor([[1], [0], [2], [1], [0], [3]]), Tensor([1, 2, 1, 1, 0.5, 1]))
}

@Test(
  arguments: [
    // Keras 3.15.1 (JAX): model.compile(SGD(0.01), MeanSquaredError(reduction=…)); fit(x, y,
    // batch_size=3, epochs=2, shuffle=False, sample_weight=w): History "loss", then
    // evaluate(x, y) and get_weights().
    (
      LossReduction.sum, [Float(2.43833327293396), 2.4272096157073975], Float(6.057519435882568),
      [Float(1.0076651573181152), 1.0101354122161865, 0.024701150134205818]
    ),
    (
      LossReduction.meanWithSampleWeight, [Float(0.7844986915588379), 0.783866822719574],
      Float(1.009896159172058),
      [Float(1.002692699432373), 1.0032448768615723, 0.005520150065422058]
    ),
  ] as [(LossReduction, [Float], Float, [Float])])
func reductionsTrainAsKerasDoes(
  reduction: LossReduction, losses: [Float], evaluated: Float, weights: [Float]
) throws {
  let (model, x, y, sampleWeight) = try reductionProblem()
  model.compile(optimizer: .sgd(learningRate: 0.01), loss: MeanSquaredError(reduction: reduction))
  let history = try model.fit(
    x, y, epochs: 2, batchSize: 3, shuffle: false, sampleWeight: sampleWeight, verbose: 0)
  expectClose(history["loss"]!, losses)
  expectClose([try model.evaluate(x, y, verbose: 0)["loss"]!], [evaluated])
  expectClose(model.getWeights().flatMap(\.scalars), weights)
}

@Test func reductionsOfOneBatch() {
  // Keras: keras.losses.MeanAbsoluteError(reduction=…)(y, p, sample_weight=[1, 3]) with
  // y = [[1, 2], [3, 4]], p = [[0, 2], [5, 5]]: values [0.5, 1.5].
  let y = Tensor([[1, 2], [3, 4]])
  let p = Tensor([[0, 2], [5, 5]])
  let w = Tensor([1, 3])
  #expect(MeanAbsoluteError(reduction: .sum)(target: y, prediction: p, sampleWeight: w).scalar == 5)
  #expect(MeanAbsoluteError()(target: y, prediction: p, sampleWeight: w).scalar == 2.5)
  #expect(MeanAbsoluteError(reduction: .mean)(target: y, prediction: p).scalar == 1)
  #expect(
    MeanAbsoluteError(reduction: .meanWithSampleWeight)(target: y, prediction: p, sampleWeight: w)
      .scalar == 1.25)
  #expect(
    MeanAbsoluteError(reduction: .none)(target: y, prediction: p, sampleWeight: w).scalars == [
      0.5, 4.5,
    ])
  // All weights 0: Keras's divide_no_nan gives 0, not NaN.
  #expect(
    MeanAbsoluteError(reduction: .meanWithSampleWeight)(
      target: y, prediction: p, sampleWeight: Tensor([0, 0])
    ).scalar == 0)
}

@Test func ignoreClassLeavesTheClassOutOfTheCount() {
  // Keras 3.15.1: keras.losses.SparseCategoricalCrossentropy(ignore_class=-1,
  // reduction=…)(y, p) and with sample_weight=[1, 2, 3, 0.5], y = [1, 2, -1, 0].
  let p = Tensor([[0.2, 0.7, 0.1], [0.3, 0.3, 0.4], [0.6, 0.3, 0.1], [0.1, 0.1, 0.8]])
  let y = Tensor([1, 2, -1, 0])
  let w = Tensor([1, 2, 3, 0.5])
  let cases: [(LossReduction, Float, Float)] = [
    (.sumOverBatchSize, 1.1918503046035767, 1.1135163307189941),
    (.sum, 3.5755507946014404, 3.3405489921569824),
    (.meanWithSampleWeight, 1.1918503046035767, 0.95444256067276),
  ]
  for (reduction, plain, weighted) in cases {
    let loss = SparseCategoricalCrossentropy(ignoreClass: -1, reduction: reduction)
    expectClose([loss(target: y, prediction: p).scalar], [plain])
    expectClose([loss(target: y, prediction: p, sampleWeight: w).scalar], [weighted])
  }
  let values = SparseCategoricalCrossentropy(ignoreClass: -1).values(target: y, prediction: p)
  #expect(values.scalars[2] == 0)
}

@Test func ignoreClassInFitAcceptsTheIgnoredLabel() throws {
  // A -1 label is not a class index; with ignoreClass: -1 it is valid and adds nothing, so
  // the loss equals that of the other samples alone.
  let model = Sequential {
    Input(shape: [2])
    Dense(units: 3, activation: .softmax, kernelInitializer: .ones)
  }
  let x = Tensor([[0.1, 0.2], [0.3, -0.1], [0.5, 0.5]])
  model.compile(
    optimizer: .sgd, loss: .sparseCategoricalCrossentropy(ignoreClass: -1),
    metrics: [.accuracy])
  let withIgnored = try model.evaluate(x, Tensor([1, -1, 2]), verbose: 0)["loss"]!
  let kept = try model.evaluate(x.rows(0..<1), Tensor([1]), verbose: 0)["loss"]!
  let third = try model.evaluate(x.rows(2..<3), Tensor([2]), verbose: 0)["loss"]!
  expectClose([withIgnored], [(kept + third) / 2])
  expectStrataError(.invalidData, containing: "label -2.0") {
    _ = try model.evaluate(x, Tensor([1, -2, 2]), verbose: 0)
  }
  _ = try model.fit(x, Tensor([1, -1, 2]), epochs: 1, verbose: 0)
}

@Test func lossWeightsScaleTheLossButNotThePenalty() throws {
  // Keras 3.15.1 (JAX): Dense(1, kernel_initializer="ones", kernel_regularizer=L2(0.1)),
  // compile(SGD(0.01), "mse", loss_weights=0.5), fit(x, y, batch_size=3, epochs=2,
  // shuffle=False) on the problem above without sample weights.
  let (model, x, y, _) = try reductionProblem(regularizer: .l2(0.1))
  model.compile(optimizer: .sgd(learningRate: 0.01), loss: .meanSquaredError, lossWeights: 0.5)
  let history = try model.fit(x, y, epochs: 2, batchSize: 3, shuffle: false, verbose: 0)
  expectClose(history["loss"]!, [0.7056589722633362, 0.7031374573707581])
  expectClose([try model.evaluate(x, y, verbose: 0)["loss"]!], [0.7000405788421631])
  expectClose(
    model.getWeights().flatMap(\.scalars),
    [0.9900251030921936, 0.990289568901062, 0.002669992856681347])
}

@Test func noReductionCannotTrain() throws {
  let (model, x, y, _) = try reductionProblem()
  model.compile(optimizer: .sgd, loss: MeanSquaredError(reduction: .none))
  expectStrataError(.invalidArgument, containing: "reduction .none") {
    _ = try model.fit(x, y, verbose: 0)
  }
}

@Test func aSequenceOutputsMaskWeighsItsLossAndMetrics() throws {
  // Keras 3.15.1 (JAX): Embedding(4, 3, mask_zero=True) → SimpleRNN(2,
  // return_sequences=True) → Dense(2, softmax); weight i = linspace(-0.5, 0.5, size)
  // reshaped, times -0.7 for odd i; compile(SGD(0.1), sparse CE, ["accuracy"]).
  // evaluate: {"loss": 0.9153277277946472, "accuracy": 0.3333333432674408}; the unmasked
  // mean CE would be 0.77514434 and the unmasked accuracy 0.5. fit(batch_size=3, epochs=2,
  // shuffle=False): loss [0.9153277277946472, 0.8790063858032227], last bias
  // [0.2802295684814453, -0.2802295684814453].
  let model = Sequential {
    Input(shape: [4])
    Embedding(inputDim: 4, outputDim: 3, maskZero: true)
    SimpleRNN(units: 2, returnSequences: true)
    Dense(units: 2, activation: .softmax)
  }
  let shapes = [[4, 3], [3, 2], [2, 2], [2], [2, 2], [2]]
  try model.setWeights(linspaceWeights(shapes, oddFactor: -0.7))
  let x = Tensor([[1, 2, 3, 0], [2, 3, 0, 0], [3, 1, 2, 1]])
  let y = Tensor([[1, 0, 1, 0], [0, 1, 0, 0], [1, 1, 0, 1]])
  model.compile(
    optimizer: .sgd(learningRate: 0.1), loss: .sparseCategoricalCrossentropy,
    metrics: [.accuracy])
  let evaluated = try model.evaluate(x, y, verbose: 0)
  expectClose([evaluated["loss"]!, evaluated["accuracy"]!], [0.9153277277946472, 1.0 / 3])
  let history = try model.fit(x, y, epochs: 2, batchSize: 3, shuffle: false, verbose: 0)
  expectClose(history["loss"]!, [0.9153277277946472, 0.8790063858032227])
  // Keras-JAX's training accuracy (0.5) ignores the mask that its evaluate applies; Strata
  // masks both (README, "What differs, on purpose").
  #expect(history["accuracy"]![0] == 1.0 / 3)
  expectClose(model.getWeights().last!.scalars, [0.2802295684814453, -0.2802295684814453])
}

@Test func reductionAndIgnoreClassRoundTrip() throws {
  try expectRoundTrip(
    SparseCategoricalCrossentropy(ignoreClass: 255, reduction: .sum), target: Tensor([1, 0]))
  try expectRoundTrip(MeanSquaredError(reduction: .none))
  try expectRoundTrip(Huber(delta: 2, reduction: .meanWithSampleWeight))
  #expect(
    try LossReduction(configurationValue: .string("sum_over_batch_size")) == .sumOverBatchSize)
  #expect(throws: StrataError.self) { try LossReduction(configurationValue: .string("avg")) }
}
