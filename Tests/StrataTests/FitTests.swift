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
  // 7 does not divide 37: five full slices and a short one.
  #expect(try model.inferenceForward(x, sliceSize: 7).scalars == whole.scalars)
  #expect(try model.predict(x, batchSize: 16).scalars == whole.scalars)
  // 2²¹ values over the 162 + 245 + 45 + 45 + 4 values one sample passes through (input,
  // conv 7×7×5, pool 3×3×5, flatten, dense).
  #expect(try model.inferenceSliceSize() == (2 << 20) / 501)
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
