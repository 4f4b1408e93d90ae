import Testing

@testable import Strata

/// A compiled classifier on 4 features with 3 classes, and valid data for it.
func classifier(loss: Loss = .sparseCategoricalCrossentropy) -> (Sequential, Tensor, Tensor) {
  let model = Sequential {
    Dense(units: 8, inputShape: [4], activation: .relu)
    BatchNormalization()
    Dense(units: 3, activation: .softmax)
  }
  model.compile(optimizer: .adam, loss: loss, metrics: [.accuracy])
  return (model, Tensor.ones([6, 4]), Tensor([0, 1, 2, 0, 1, 2]))
}

/// Expects `body` to throw and the model's weights and optimizer state to be untouched.
func expectRejected(
  _ kind: StrataError.Kind, containing fragment: String, model: Sequential,
  sourceLocation: SourceLocation = #_sourceLocation, _ body: () throws -> Void
) {
  let before = model.getWeights()
  let iterations = model.optimizer?.iterations
  expectStrataError(kind, containing: fragment, sourceLocation: sourceLocation, body)
  #expect(model.getWeights() == before, "weights changed", sourceLocation: sourceLocation)
  #expect(model.optimizer?.iterations == iterations, sourceLocation: sourceLocation)
}

@Test func fitBeforeCompile() {
  let model = Sequential { Dense(units: 1, inputShape: [2]) }
  expectRejected(
    .invalidState, containing: "You must call `compile()` before using the model.", model: model
  ) {
    try model.fit(Tensor.ones([2, 2]), Tensor.ones([2, 1]), verbose: 0)
  }
  expectStrataError(.invalidState, containing: "compile()") {
    _ = try model.evaluate(Tensor.ones([2, 2]), Tensor.ones([2, 1]), verbose: 0)
  }
}

@Test func mismatchedSampleCounts() {
  let (model, x, _) = classifier()
  expectRejected(.invalidArgument, containing: "'x' sizes: 6 'y' sizes: 5", model: model) {
    try model.fit(x, Tensor([0, 1, 2, 0, 1]), verbose: 0)
  }
}

@Test func inputShapeThatDoesNotFit() {
  let (model, _, y) = classifier()
  expectRejected(.shapeMismatch, containing: "layer 'dense' is incompatible", model: model) {
    try model.fit(Tensor.ones([6, 3]), y, verbose: 0)
  }
  expectStrataError(
    .shapeMismatch, containing: "expected shape (None, 4), but received input with shape (None, 3)"
  ) {
    _ = try model.predict(Tensor.ones([6, 3]))
  }
}

@Test func labelsOutOfRangeOrOfTheWrongKind() {
  let (model, x, _) = classifier()
  expectRejected(.invalidData, containing: "label 3.0 at sample 2", model: model) {
    try model.fit(x, Tensor([0, 1, 3, 0, 1, 2]), verbose: 0)
  }
  expectRejected(.invalidData, containing: "label 0.5", model: model) {
    try model.fit(x, Tensor([0, 1, 0.5, 0, 1, 2]), verbose: 0)
  }
  expectRejected(
    .shapeMismatch, containing: "For one-hot labels use categoricalCrossentropy", model: model
  ) {
    try model.fit(x, Tensor.zeros([6, 3]), verbose: 0)
  }
  let (categorical, cx, _) = classifier(loss: .categoricalCrossentropy)
  expectRejected(
    .shapeMismatch, containing: "expects targets of the output's shape (None, 3)",
    model: categorical
  ) {
    try categorical.fit(cx, Tensor.zeros([6, 4]), verbose: 0)
  }
  let binary = Sequential { Dense(units: 1, inputShape: [2], activation: .sigmoid) }
  binary.compile(loss: .binaryCrossentropy)
  expectRejected(.invalidData, containing: "expects targets between 0 and 1", model: binary) {
    try binary.fit(Tensor.ones([2, 2]), Tensor([[1], [2]]), verbose: 0)
  }
  // Soft targets (an autoencoder's pixel intensities) train, as in Keras.
  #expect(throws: Never.self) {
    try binary.fit(Tensor.ones([2, 2]), Tensor([[0.0039], [0.5]]), verbose: 0)
  }
}

@Test func nonFiniteData() {
  let (model, x, y) = classifier()
  var bad = x
  bad[2, 1] = Tensor(.nan)
  expectRejected(.invalidData, containing: "`x` holds nan", model: model) {
    try model.fit(bad, y, verbose: 0)
  }
  let regression = Sequential { Dense(units: 1, inputShape: [4]) }
  regression.compile(loss: .meanSquaredError)
  expectRejected(.invalidData, containing: "`y` holds inf", model: regression) {
    try regression.fit(x, Tensor([1, 2, .infinity, 0, 1, 2]), verbose: 0)
  }
}

@Test func badArguments() {
  let (model, x, y) = classifier()
  expectRejected(.invalidArgument, containing: "batchSize=0", model: model) {
    try model.fit(x, y, batchSize: 0, verbose: 0)
  }
  expectRejected(.invalidArgument, containing: "validationSplit=1.0", model: model) {
    try model.fit(x, y, validationSplit: 1, verbose: 0)
  }
  expectRejected(.invalidArgument, containing: "not sufficient to split", model: model) {
    try model.fit(x.rows(0..<1), y.rows(0..<1), validationSplit: 0.5, verbose: 0)
  }
  expectRejected(.invalidData, containing: "is empty", model: model) {
    try model.fit(Tensor.zeros([0, 4]), Tensor.zeros([0]), verbose: 0)
  }
  expectRejected(
    .invalidArgument, containing: "both `classWeight` and `sampleWeight`", model: model
  ) {
    try model.fit(x, y, classWeight: [0: 2], sampleWeight: Tensor.ones([6]), verbose: 0)
  }
  expectRejected(.invalidArgument, containing: "units=0", model: model) {
    let broken = Sequential { Dense(units: 0, inputShape: [2]) }
    _ = try broken.predict(Tensor.ones([1, 2]))
  }
  expectRejected(.invalidArgument, containing: "rate=1.5", model: model) {
    let broken = Sequential {
      Dense(units: 2, inputShape: [2])
      Dropout(rate: 1.5)
    }
    _ = try broken.predict(Tensor.ones([1, 2]))
  }
}

@Test func badValidationDataIsCaughtBeforeTraining() {
  let (model, x, y) = classifier()
  expectRejected(.invalidData, containing: "validationData.y", model: model) {
    try model.fit(x, y, validationData: (x, Tensor([0, 1, 9, 0, 1, 2])), verbose: 0)
  }
}

@Test func labelsBeyondIntegerRangeNeverTrap() throws {
  // Float → Int conversions of labels trapped on NaN-free but huge values (1e30): class
  // weights, top-k accuracy and one-hot rows now treat them as "not a class".
  let model = Sequential { Dense(units: 3, inputShape: [2], activation: .softmax) }
  model.compile(optimizer: .sgd, loss: .meanSquaredError, metrics: [.topKCategoricalAccuracy(k: 1)])
  let x = Tensor([[1, 2], [3, 4]])
  let y = Tensor([[1e30, 0, 0], [0, 1, 0]])
  let scores = try model.evaluate(x, y, verbose: 0)
  #expect(scores["top_k_categorical_accuracy"] != nil)
  let binary = Sequential { Dense(units: 1, inputShape: [2]) }
  binary.compile(optimizer: .sgd, loss: .meanSquaredError)
  try binary.fit(x, Tensor([[1e30], [1]]), classWeight: [1: 2], verbose: 0)
  let oneHotOfHuge = SparseCategoricalCrossentropy().values(
    target: Tensor([1e30]), prediction: Tensor([[0.5, 0.5]]))
  #expect(oneHotOfHuge.scalars.allSatisfy { $0.isFinite })
}

@Test func anyBatchSizeWorksWithoutOverflow() throws {
  // `batchSize: Int.max` overflowed computing the number of batches.
  let (model, x, y) = classifier()
  let history = try model.fit(x, y, epochs: 1, batchSize: Int.max, verbose: 0)
  #expect(model.optimizer?.iterations == 1)
  #expect(history.history["loss"]?.count == 1)
  #expect(try model.evaluate(x, y, batchSize: Int.max, verbose: 0)["loss"]?.isFinite == true)
  #expect(try model.predict(x, batchSize: Int.max).shape == [6, 3])
  #expect(batchCount(samples: 7, batchSize: 3) == 3)
  #expect(batchRange(2, batchSize: 3, samples: 7) == 6..<7)
}

@Test func classWeightsMustBeFinite() {
  let (model, x, y) = classifier()
  expectRejected(
    .invalidArgument,
    containing: "`classWeight` must hold finite weights. Received: classWeight[1]=nan",
    model: model
  ) {
    try model.fit(x, y, classWeight: [0: 1, 1: .nan], verbose: 0)
  }
  // Regression targets of 1e20 with a class weight trapped converting them to a class.
  let regression = Sequential { Dense(units: 1, inputShape: [2]) }
  regression.compile(optimizer: .sgd, loss: .meanSquaredError)
  let history = try? regression.fit(
    Tensor.ones([2, 2]), Tensor([[1e20], [3]]), classWeight: [3: 2], verbose: 0)
  #expect(history != nil)
}

@Test func schedulesThatWouldTrainToNaNAreRefused() {
  let schedules: [(any LearningRateSchedule, String)] = [
    (
      ExponentialDecay(initialLearningRate: 0.1, decaySteps: 0, decayRate: 0.5),
      "`decaySteps` must be a positive integer"
    ),
    (
      InverseTimeDecay(initialLearningRate: 0.1, decaySteps: 0, decayRate: 0.5),
      "`decaySteps` must be a positive integer"
    ),
    (
      PolynomialDecay(initialLearningRate: 0.1, decaySteps: 0),
      "`decaySteps` must be a positive integer"
    ),
    (
      CosineDecay(initialLearningRate: 0.1, decaySteps: 0),
      "`decaySteps` must be a positive integer"
    ),
    (
      CosineDecay(initialLearningRate: .nan, decaySteps: 10),
      "CosineDecay: `initialLearningRate` must be finite"
    ),
    (
      ExponentialDecay(initialLearningRate: 0.1, decaySteps: 10, decayRate: .infinity),
      "`decayRate` must be finite"
    ),
    (
      PiecewiseConstantDecay(boundaries: [5], values: [0.1, .nan]),
      "every value must be finite. Received: values[1]=nan"
    ),
  ]
  for (schedule, message) in schedules {
    let (model, x, y) = classifier()
    model.compile(optimizer: SGD().scheduled(by: schedule), loss: .sparseCategoricalCrossentropy)
    expectRejected(.invalidArgument, containing: message, model: model) {
      try model.fit(x, y, verbose: 0)
    }
  }
}
