import Testing

@testable import Strata

@Test func evaluateMatchesKerasBinaryCrossentropy() throws {
  // KerasReference.md §1: evaluate loss 0.7964145541; with L2(0.01) on the kernel
  // 0.7969145775 (+ 0.01·(0.1² + 0.2²) = 0.0005, added unscaled).
  let (model, x, y) = try kerasReferenceModel()
  model.compile(loss: .binaryCrossentropy)
  expectClose([try model.evaluate(x, y, verbose: 0)["loss"]!], [0.7964145541])
  let (regularized, _, _) = try kerasReferenceModel(regularizer: .l2(0.01))
  regularized.compile(loss: .binaryCrossentropy)
  expectClose([try regularized.evaluate(x, y, verbose: 0)["loss"]!], [0.7969145775])
}

@Test func crossentropiesMatchKeras() {
  // KerasReference.md §3: CCE per sample [0.0512933, 2.3025851], mean 1.1769392.
  let p = Tensor([[0.05, 0.95, 0], [0.1, 0.8, 0.1]])
  let categorical = CategoricalCrossentropy().values(
    target: Tensor([[0, 1, 0], [0, 0, 1]]), prediction: p)
  expectClose(categorical.scalars, [0.0512933, 2.3025851])
  expectClose([categorical.mean().scalar], [1.1769392])
  let sparse = SparseCategoricalCrossentropy().values(target: Tensor([1, 2]), prediction: p)
  expectClose(sparse.scalars, [0.0512933, 2.3025851])
  // BCE from logits: y = [1, 0], z = [2, -1] → 0.22009484 (one sample of two values).
  let logits = BinaryCrossentropy(fromLogits: true).values(
    target: Tensor([[1, 0]]), prediction: Tensor([[2, -1]]))
  expectClose(logits.scalars, [0.22009484])
  // Keras's float32 clip: binary_crossentropy([[1, 0]], [[1, 1]]) = 7.9711924.
  let clipped = BinaryCrossentropy().values(
    target: Tensor([[1, 0]]), prediction: Tensor([[1, 1]]))
  expectClose(clipped.scalars, [7.9711924], tolerance: 1e-4)
  // Logits and probabilities agree away from saturation.
  let fromLogits = CategoricalCrossentropy(fromLogits: true).values(
    target: Tensor([[0, 1, 0]]), prediction: Tensor([[1, 2, 0.5]]))
  let fromProbabilities = CategoricalCrossentropy().values(
    target: Tensor([[0, 1, 0]]), prediction: Tensor([[1, 2, 0.5]]).softmax())
  expectClose(fromLogits.scalars, fromProbabilities.scalars)
}

@Test func regressionLossesMatchKeras() {
  // Huber: errors [0.5, 2.0] → mean(0.125, 1.5) = 0.8125; hinge y = [0, 1], p = [0.3, 0.4]
  // → mean(max(1 + 0.3, 0), max(1 − 0.4, 0)) = 0.95; KLD [0.2, 0.8] vs [0.5, 0.5] = 0.19274479.
  expectClose(
    Huber().values(target: Tensor([[0, 0]]), prediction: Tensor([[0.5, 2]])).scalars, [0.8125])
  expectClose(
    Hinge().values(target: Tensor([[0, 1]]), prediction: Tensor([[0.3, 0.4]])).scalars, [0.95])
  expectClose(
    KLDivergence().values(
      target: Tensor([[0.2, 0.8]]), prediction: Tensor([[0.5, 0.5]])
    ).scalars,
    [0.19274479])
  expectClose(
    MeanSquaredError().values(target: Tensor([[1, 2]]), prediction: Tensor([[0, 0]])).scalars,
    [2.5])
  expectClose(
    MeanAbsoluteError().values(target: Tensor([[1, -2]]), prediction: Tensor([[0, 0]])).scalars,
    [1.5])
}

@Test func sampleWeightsDivideByTheBatchSize() throws {
  // KerasReference.md §3: MSE of predictions [1, 2, 3] against 0 with sample_weight
  // [1, 0, 2] is (1 + 0 + 18) / 3 = 6.3333335 (not divided by the sum of the weights).
  let values = MeanSquaredError().values(
    target: Tensor([[0], [0], [0]]), prediction: Tensor([[1], [2], [3]]))
  expectClose(
    [MeanSquaredError().reduce(values, sampleWeight: Tensor([1, 0, 2])).scalar], [6.3333335])
}

@Test func customLossTrains() throws {
  let model = Sequential { Dense(units: 1, inputShape: [1], kernelInitializer: .zeros) }
  let squared = CustomLoss(name: "my_loss") { target, prediction in
    (target - prediction).square().sum(alongAxis: -1)
  }
  model.compile(optimizer: .sgd(learningRate: 0.1), loss: squared, metrics: [.loss(squared)])
  let x = Tensor([[1], [2], [3], [4]])
  let history = try model.fit(x, x * 2, epochs: 50, batchSize: 4, verbose: 0)
  #expect(history["my_loss"]!.last! < 0.01)
  #expect(history["loss"]!.last! < 0.01)
}

@Test func lossesRoundTripInTheCompileConfiguration() throws {
  try expectRoundTrip(BinaryCrossentropy(fromLogits: true, labelSmoothing: 0.1))
  try expectRoundTrip(CategoricalCrossentropy(labelSmoothing: 0.2))
  try expectRoundTrip(SparseCategoricalCrossentropy(fromLogits: true), target: Tensor([1, 0]))
  try expectRoundTrip(MeanSquaredError())
  try expectRoundTrip(MeanAbsoluteError())
  try expectRoundTrip(Huber(delta: 0.5))
  try expectRoundTrip(Hinge())
  try expectRoundTrip(KLDivergence())
  try expectRoundTrip(MeanSquaredLogarithmicError())
  try expectRoundTrip(MeanAbsolutePercentageError())
  try expectRoundTrip(LogCosh())
  try expectRoundTrip(Poisson())
  try expectRoundTrip(SquaredHinge())
  try expectRoundTrip(CategoricalHinge())
  try expectRoundTrip(CosineSimilarity())
  try expectRoundTrip(CustomLoss(name: "round_trip_loss") { y, p in (y - p).square().sum() })
}

@Test func theOtherKerasLossesMatchKeras() {
  // Keras 3.15.1 (JAX), each loss class with reduction=None on these targets and predictions.
  let y = Tensor([[0, 1, 0], [1, 0, 0], [0, 0, 1]])
  let p = Tensor([[0.1, 0.7, 0.2], [0.5, 0.3, 0.2], [0.3, 0.3, 0.4]])
  let yReal = Tensor([[1.5, -2, 0], [3, 0.5, -1]])
  let pReal = Tensor([[1, -1, 0.5], [2, 2, -3]])
  let cases: [(any Loss, Tensor, Tensor, String, [Float])] = [
    (
      .meanSquaredLogarithmicError, y, p, "mean_squared_logarithmic_error",
      [0.022912513464689255, 0.06161234900355339, 0.08829563856124878]
    ),
    (
      .meanAbsolutePercentageError, yReal, pReal, "mean_absolute_percentage_error",
      [166_666_704.0, 177.77777099609375]
    ),
    (.logCosh, yReal, pReal, "log_cosh", [0.22466996312141418, 0.8714079260826111]),
    (.poisson, y, p, "poisson", [0.4522249698638916, 0.5643823146820068, 0.6387635469436646]),
    (
      .squaredHinge, y, p, "squared_hinge",
      [0.9133334159851074, 1.1266666650772095, 1.246666669845581]
    ),
    (.categoricalHinge, y, p, "categorical_hinge", [0.5, 0.800000011920929, 0.8999999761581421]),
    (
      .cosineSimilarity, yReal, pReal, "cosine_similarity",
      [-0.9333333969116211, -0.7575540542602539]
    ),
  ]
  for (loss, target, prediction, name, expected) in cases {
    #expect(loss.name == name)
    expectClose(loss.values(target: target, prediction: prediction).scalars, expected)
  }
}
