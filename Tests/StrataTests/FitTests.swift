import Foundation
import Testing

@testable import Strata

@Test func epochLossIsTheSampleWeightedMeanOfBatchLosses() throws {
  // Keras's loss tracker weights each batch by its size: with batches of 2 and 1 the epoch
  // loss of an untrained step equals the per-sample mean. Compare against evaluate on the
  // same weights with SGD at learning rate 0 (nothing moves).
  let (model, x, y) = try kerasReferenceModel()
  model.compile(optimizer: .sgd(learningRate: 0), loss: .binaryCrossentropy)
  let history = try model.fit(x, y, epochs: 1, batchSize: 2, shuffle: false, verbose: 0)
  expectClose(history["loss"]!, [0.7964145541])
}

@Test func validationSplitTakesTheLastSamplesBeforeShuffling() throws {
  // Keras: split_at = floor(N·(1 − v)); validation is x[split_at...]. Training on the first
  // 8 samples (all label 0) and validating on the last 2 (label 1) gives val accuracy 0
  // for a model that learned to say 0.
  let x = Tensor(shape: [10, 1], scalars: (0..<10).map(Float.init))
  let y = Tensor(shape: [10, 1], scalars: (0..<10).map { $0 >= 8 ? 1 : 0 })
  let model = Sequential {
    Dense(units: 1, inputShape: [1], activation: .sigmoid, kernelInitializer: .zeros)
  }
  model.compile(optimizer: .sgd(learningRate: 0.5), loss: .binaryCrossentropy, metrics: [.accuracy])
  let history = try model.fit(x, y, epochs: 30, batchSize: 4, validationSplit: 0.2, verbose: 0)
  #expect(history["accuracy"]!.last! == 1)
  #expect(history["val_accuracy"]!.last! == 0)
  #expect(history.params == ["epochs": 30, "steps": 2, "verbose": 0])
}

@Test func theSplitPointIsComputedAsKerasDoesInDouble() throws {
  // Keras: floor(N · (1.0 − v)) with v the Python float (double) the user wrote. Python
  // gives 62 for (90, 0.3) and 9 for (10, 0.1); float32 arithmetic gives 63 for (90, 0.3),
  // and the float 0.1 widened to double (0.10000000149…) would give 8 for (10, 0.1).
  for (samples, split, trained) in [(90, Float(0.3), 62), (10, 0.1, 9), (77, 0.3, 53)] {
    let model = Sequential { Dense(units: 1, inputShape: [1]) }
    model.compile(optimizer: .sgd(learningRate: 0), loss: .meanSquaredError)
    let history = try model.fit(
      Tensor.zeros([samples, 1]), Tensor.zeros([samples, 1]), batchSize: 1,
      validationSplit: split, verbose: 0)
    #expect(history.params["steps"] == trained, "\(samples) samples, split \(split)")
  }
}

@Test func aScheduleDoesNotAddTheLearningRateToHistory() throws {
  // Keras's History holds the loss and the metrics; only ReduceLROnPlateau and
  // LearningRateScheduler write `learning_rate` into the logs.
  let (model, x, y) = try kerasReferenceModel()
  model.compile(
    optimizer: SGD().scheduled(
      by: ExponentialDecay(initialLearningRate: 0.1, decaySteps: 1, decayRate: 0.5)),
    loss: .binaryCrossentropy)
  let history = try model.fit(x, y, epochs: 2, verbose: 0)
  #expect(history.history.keys.sorted() == ["loss"])
}

@Test func initialEpochNumbersTheEpochs() throws {
  let (model, x, y) = try kerasReferenceModel()
  model.compile(loss: .binaryCrossentropy)
  let history = try model.fit(x, y, epochs: 5, initialEpoch: 3, verbose: 0)
  #expect(history.epoch == [3, 4])
}

@Test func classWeightScalesTheLoss() throws {
  // With every label 1 and class weight 3 for class 1, the batch loss is 3 times the
  // unweighted one (Keras divides by N, not by the sum of the weights).
  let model = Sequential {
    Input(shape: [2])
    Dense(units: 1, activation: .sigmoid)
  }
  try model.setWeights([Tensor([[0.1], [-0.2]]), Tensor([0.05])])
  model.compile(optimizer: .sgd(learningRate: 0), loss: .binaryCrossentropy)
  let x = Tensor([[1, 2], [3, 4]])
  let y = Tensor([[1], [1]])
  let plain = try model.fit(x, y, verbose: 0)["loss"]!
  let weighted = try model.fit(x, y, classWeight: [1: 3], verbose: 0)["loss"]!
  expectClose(weighted, plain.map { $0 * 3 })
  let sampleWeighted = try model.fit(x, y, sampleWeight: Tensor([0, 2]), verbose: 0)["loss"]!
  #expect(sampleWeighted[0] != plain[0])
}

@Test func trainTestAndPredictOnBatch() throws {
  let (model, x, y) = try kerasReferenceModel()
  model.compile(optimizer: .sgd, loss: .binaryCrossentropy, metrics: [.accuracy])
  let test = try model.testOnBatch(x, y)
  expectClose([test["loss"]!], [0.7964145541])
  let train = try model.trainOnBatch(x, y)
  expectClose([train["loss"]!], [0.7964145541])  // computed before the update, as in Keras
  #expect(try model.testOnBatch(x, y)["loss"]! < test["loss"]!)
  #expect(try model.predictOnBatch(x).shape == [3, 1])
  #expect(model.metricsNames == ["loss", "accuracy"])
}

@Test func predictConcatenatesBatchesInOrder() throws {
  let model = Sequential { Dense(units: 2, inputShape: [3]) }
  var generator = RandomGenerator(seed: 1)
  let x = Tensor.normal([70, 3], generator: &generator)
  let all = try model.predict(x, batchSize: 100)
  let batched = try model.predict(x, batchSize: 32)
  expectClose(batched.scalars, all.scalars, tolerance: 1e-6)
}

@Test func callbacksSeeEveryHookAndCanStopTraining() throws {
  final class Recorder: Callback {
    var events: [String] = []
    func onTrainBegin(context: TrainingContext) { events.append("train_begin") }
    func onEpochBegin(epoch: Int, context: TrainingContext) {
      events.append("epoch_begin \(epoch)")
    }
    func onTrainBatchEnd(batch: Int, logs: [String: Float], context: TrainingContext) {
      events.append("batch_end \(batch)")
    }
    func onEpochEnd(epoch: Int, logs: [String: Float], context: TrainingContext) {
      events.append("epoch_end \(epoch) \(logs.keys.sorted())")
      if epoch == 1 { context.model.stopTraining = true }
    }
    func onTrainEnd(logs: [String: Float], context: TrainingContext) { events.append("train_end") }
  }
  let recorder = Recorder()
  let (model, x, y) = try kerasReferenceModel()
  model.compile(loss: .binaryCrossentropy, metrics: [.accuracy])
  let history = try model.fit(
    x, y, epochs: 10, batchSize: 2, validationSplit: 0.34, verbose: 0, callbacks: [recorder])
  #expect(history.epoch == [0, 1])
  #expect(
    recorder.events == [
      "train_begin", "epoch_begin 0", "batch_end 0",
      "epoch_end 0 [\"accuracy\", \"loss\", \"val_accuracy\", \"val_loss\"]",
      "epoch_begin 1", "batch_end 0",
      "epoch_end 1 [\"accuracy\", \"loss\", \"val_accuracy\", \"val_loss\"]", "train_end",
    ])
}

@Test func predictOverSlicesGivesTheBitsOfOnePass() throws {
  let model = Sequential(seed: 3) {
    Input(shape: [9, 9, 2])
    Conv2D(filters: 5, kernelSize: 3, activation: .relu)
    MaxPooling2D(poolSize: 2)
    Flatten()
    Dense(units: 4, activation: .softmax)
  }
  var generator = RandomGenerator(seed: 2)
  let x = Tensor.normal([37, 9, 9, 2], generator: &generator)
  var context = LayerContext(isTraining: false)
  let whole = try model.forward(x, context: &context)
  // 7 does not divide 37: five full slices and a short one. With two threads the slices run
  // side by side, each on one thread; with one, in turn.
  let threads = ComputeThreads.count
  defer { ComputeThreads.count = threads }
  for count in [2, 1] {
    ComputeThreads.count = count
    #expect(try model.inferenceForward(x, sliceSize: 7).scalars == whole.scalars)
    #expect(try model.predict(x, batchSize: 16).scalars == whole.scalars)
  }
  // 2²¹ values over the 162 + 245 + 45 + 45 + 4 values one sample passes through (input,
  // conv 7×7×5, pool 3×3×5, flatten, dense).
  #expect(try model.inferenceSliceSize() == (2 << 20) / 501)
}

@Test func aSliceThatFailsFailsPredict() throws {
  // An out-of-range token in the fifth of six slices: its error, not a partial result.
  let model = Sequential(seed: 3) {
    Input(shape: [3])
    Embedding(inputDim: 5, outputDim: 2)
    Flatten()
    Dense(units: 1)
  }
  var ids = [Float](repeating: 1, count: 22 * 3)
  ids[17 * 3 + 1] = 9
  let x = Tensor(shape: [22, 3], scalars: ids)
  let threads = ComputeThreads.count
  defer { ComputeThreads.count = threads }
  for count in [2, 1] {
    ComputeThreads.count = count
    #expect {
      _ = try model.inferenceForward(x, sliceSize: 4)
    } throws: { error in
      "\(error)".contains("id 9.0 at position 4 ")  // row 17 is the second of its slice
    }
  }
}

@Test func evaluateOverSlicesGivesTheBitsOfOnePass() throws {
  // 16,384 + 14,400 + 3,600 + 3,600 + 4 values per sample: slices of 55 samples.
  let model = Sequential(seed: 4) {
    Input(shape: [32, 32, 16])
    Conv2D(filters: 16, kernelSize: 3, activation: .relu)
    MaxPooling2D(poolSize: 2)
    Flatten()
    Dense(units: 4, activation: .softmax)
  }
  model.compile(optimizer: .sgd, loss: .sparseCategoricalCrossentropy, metrics: [.accuracy])
  #expect(try model.inferenceSliceSize() == 55)
  var generator = RandomGenerator(seed: 5)
  let x = Tensor.normal([120, 32, 32, 16], generator: &generator)
  let y = Tensor((0..<120).map { Float($0 % 4) })
  var context = LayerContext(isTraining: false)
  let whole = try model.batchLoss(
    x, y, sampleWeight: nil, loss: SparseCategoricalCrossentropy(), context: &context)
  let scores = try model.evaluate(x, y, batchSize: 120, verbose: .silent)
  #expect(scores["loss"] == whole.loss.scalar)
  #expect(try model.predict(x, batchSize: 120).scalars == whole.output.scalars)
}

@Test func evaluateGivesTheSameBitsOnOneThreadAndTwo() throws {
  // Two slices of 77 (2²¹ over 27,196 values a sample) run side by side with two threads:
  // each slice's activity penalties are kept and summed in slice order, as one thread sums
  // them, and together they are the whole batch's.
  let model = Sequential(seed: 4) {
    Input(shape: [32, 32, 16])
    Conv2D(filters: 8, kernelSize: 3, activation: .relu)
    MaxPooling2D(poolSize: 2)
    Flatten()
    Dense(units: 8, activation: .relu, activityRegularizer: .l2(0.01))
    Dense(units: 4, activation: .softmax, activityRegularizer: .l1(0.02))
  }
  model.compile(optimizer: .sgd, loss: .sparseCategoricalCrossentropy, metrics: [.accuracy])
  var generator = RandomGenerator(seed: 6)
  let x = Tensor.normal([150, 32, 32, 16], generator: &generator)
  let y = Tensor((0..<150).map { Float($0 % 4) })
  let threads = ComputeThreads.count
  defer { ComputeThreads.count = threads }
  var scores: [[String: Float]] = []
  for count in [1, 2] {
    ComputeThreads.count = count
    scores.append(try model.evaluate(x, y, batchSize: 150, verbose: .silent))
  }
  #expect(scores[0] == scores[1])
  // The penalty is there: without it the loss is smaller.
  var context = LayerContext(isTraining: false)
  let plain = try model.batchLossValues(
    x, y, loss: SparseCategoricalCrossentropy(), context: &context
  ).values.mean().scalar
  #expect(scores[0]["loss"]! > plain + 0.01)
  var wholeContext = LayerContext(isTraining: false)
  let whole = try model.batchLoss(
    x, y, sampleWeight: nil, loss: SparseCategoricalCrossentropy(), context: &wholeContext)
  let penalty = wholeContext.takeActivityPenalty(batchSize: 150)!.scalar
  #expect(abs(scores[0]["loss"]! - (whole.loss.scalar + penalty)) < 1e-5)
}

@Test func sampleWeightsWeightTheLossAndOnlyTheWeightedMetrics() throws {
  // Keras 3.15.1 (JAX): Dense(1, kernel_initializer="ones") on x = 0…5, y = 0, SGD(0), MSE,
  // metrics=["mae"], weighted_metrics=["mae", "mse"], sample_weight [1, 1, 1, 1, 3, 0.5],
  // validation_split=0.5, batch 6: loss 1.6666666, mae 1.0, mse 1.6666666, weighted_mae 1.0,
  // val_loss 23.166666 (the split keeps the weights), val_mae 4.0 (unweighted),
  // val_weighted_mae 3.8888888, val_mse 15.444445; evaluate on all six: loss 12.416667,
  // mae 2.5, weighted_mae 2.7333333, mse 9.9333334. (Keras names "mae" as written; Strata's
  // `.meanAbsoluteError` is Keras's "mean_absolute_error", the same metric.)
  let model = Sequential { Dense(units: 1, inputShape: [1], kernelInitializer: .ones) }
  model.compile(
    optimizer: .sgd(learningRate: 0), loss: .meanSquaredError, metrics: [.meanAbsoluteError],
    weightedMetrics: [.meanAbsoluteError, .meanSquaredError])
  #expect(
    model.metricsNames == [
      "loss", "mean_absolute_error", "weighted_mean_absolute_error", "mean_squared_error",
    ])
  let x = Tensor(shape: [6, 1], scalars: (0..<6).map(Float.init))
  let y = Tensor.zeros([6, 1])
  let weights = Tensor([1, 1, 1, 1, 3, 0.5])
  let history = try model.fit(
    x, y, batchSize: 6, validationSplit: 0.5, sampleWeight: weights, verbose: 0)
  let expected: [String: Float] = [
    "loss": 1.6666666269302368, "mean_absolute_error": 1, "mean_squared_error": 1.6666666269302368,
    "weighted_mean_absolute_error": 1,
    "val_loss": 23.16666603088379, "val_mean_absolute_error": 4,
    "val_mean_squared_error": 15.44444465637207,
    "val_weighted_mean_absolute_error": 3.8888888359069824,
  ]
  #expect(history.history.keys.sorted() == expected.keys.sorted())
  for (key, value) in expected { expectClose(history[key]!, [value]) }
  // The same validation given as data with its own weights.
  let explicit = try model.fit(
    x.rows(0..<3), y.rows(0..<3), batchSize: 6, validationData: (x.rows(3..<6), y.rows(3..<6)),
    validationSampleWeight: weights.rows(3..<6), verbose: 0)
  expectClose(explicit["val_loss"]!, [23.16666603088379])
  expectClose(explicit["val_mean_absolute_error"]!, [4])
  let evaluated = try model.evaluate(x, y, sampleWeight: weights, verbose: 0)
  expectClose(
    ["loss", "mean_absolute_error", "weighted_mean_absolute_error", "mean_squared_error"].map {
      evaluated[$0]!
    },
    [12.416666984558105, 2.5, 2.7333333492279053, 9.933333396911621])
  // Weighted metrics are saved and loaded with the compile configuration.
  let folder = try temporaryFolder()
  defer { try? FileManager.default.removeItem(at: folder) }
  let file = folder.appendingPathComponent("m.strata")
  try model.save(to: file)
  #expect(try Sequential.load(from: file).metricsNames == model.metricsNames)
  expectStrataError(.invalidArgument, containing: "`validationSampleWeight` needs `validationData`")
  {
    try model.fit(x, y, validationSampleWeight: weights, verbose: 0)
  }
}

@Test func validationFreqAndValidationBatchSizeFollowKeras() throws {
  // Keras 3.15.1: fit(20 samples, epochs=5, batch_size=4, validation_split=0.5,
  // validation_freq=2, validation_batch_size=3) records 5 losses and 2 val_losses (after
  // epochs 2 and 4), and calls on_test_batch_end 8 times (⌈10 / 3⌉ = 4 batches, twice).
  final class TestBatchCounter: Callback {
    var count = 0
    func onTestBatchEnd(batch: Int, logs: [String: Float], context: TrainingContext) {
      count += 1
    }
  }
  var generator = RandomGenerator(seed: 0)
  let x = Tensor.uniform([20, 3], generator: &generator)
  let y = Tensor.uniform([20, 1], generator: &generator)
  let model = Sequential(seed: 1) { Dense(units: 1, inputShape: [3]) }
  model.compile(optimizer: .sgd, loss: .meanSquaredError)
  let counter = TestBatchCounter()
  let history = try model.fit(
    x, y, epochs: 5, batchSize: 4, validationSplit: 0.5, validationBatchSize: 3,
    validationFreq: 2, verbose: 0, callbacks: [counter])
  #expect(history.history["loss"]?.count == 5)
  #expect(history.history["val_loss"]?.count == 2)
  #expect(counter.count == 8)
  expectStrataError(.invalidArgument, containing: "validationFreq=0") {
    try model.fit(x, y, validationSplit: 0.5, validationFreq: 0, verbose: 0)
  }
}

@Test func evaluateAndPredictStopAfterSteps() throws {
  // Keras 3.15.1: Dense(1) with kernel [[0.1], [0.2]] and bias [0.5], x = 0…19 as 10 rows of 2,
  // y = 1: predict(x, batch_size=3, steps=2) has 6 rows, and evaluate(…, steps=2) gives
  // 2.490000009536743, the loss of the first 6 samples.
  let model = Sequential { Dense(units: 1, inputShape: [2]) }
  try model.setWeights([Tensor([[0.1], [0.2]]), Tensor([0.5])])
  model.compile(optimizer: .sgd, loss: .meanSquaredError)
  let x = Tensor(shape: [10, 2], scalars: (0..<20).map(Float.init))
  let y = Tensor.ones([10, 1])
  #expect(try model.predict(x, batchSize: 3, steps: 2).shape == [6, 1])
  expectClose(
    [try model.evaluate(x, y, batchSize: 3, steps: 2, verbose: 0)["loss"]!], [2.490000009536743])
  expectStrataError(.invalidArgument, containing: "`steps` must be at least 1") {
    _ = try model.predict(x, steps: 0)
  }
}

@Test func stepsPerEpochContinuesThePassAcrossEpochs() throws {
  // Keras 3.15.1 (JAX): x = arange(20).reshape(10, 2) / 10, y = arange(10) % 3,
  // Dense(1, kernel_initializer="ones"), SGD(0.01), "mse"; fit(batch_size=2, epochs=4,
  // steps_per_epoch=2, shuffle=False): the epochs take batches 0–1, 2–3, 4 (the pass ends,
  // iterations 2, 4, 5, 7), then 0–1 of a new pass.
  let model = Sequential {
    Input(shape: [2])
    Dense(units: 1, kernelInitializer: .ones)
  }
  let x = Tensor(shape: [10, 2], scalars: (0..<20).map { Float($0) / 10 })
  let y = Tensor(shape: [10, 1], scalars: (0..<10).map { Float($0 % 3) })
  model.compile(optimizer: .sgd(learningRate: 0.01), loss: .meanSquaredError)
  let history = try model.fit(
    x, y, epochs: 4, batchSize: 2, shuffle: false, stepsPerEpoch: 2, verbose: 0)
  expectClose(
    history["loss"]!,
    [0.7908362150192261, 2.5214760303497314, 6.313690185546875, 0.8078759908676147])
  expectClose(
    model.getWeights().flatMap(\.scalars),
    [0.8579971790313721, 0.849595844745636, -0.08401339501142502])
  #expect(model.optimizer!.iterations == 7)
  expectStrataError(.invalidArgument, containing: "stepsPerEpoch=0") {
    _ = try model.fit(x, y, stepsPerEpoch: 0, verbose: 0)
  }
}
