import Foundation
import Testing

@testable import Strata

/// Runs `callback.onEpochEnd` over a scripted sequence of `val_loss` values with a real model
/// and returns the epochs it let run.
func epochsRun(_ callback: any Callback, losses: [Float], key: String = "val_loss") throws -> Int {
  let (model, _, _) = try kerasReferenceModel()
  model.compile(optimizer: .sgd, loss: .binaryCrossentropy, metrics: [.accuracy])
  let context = TrainingContext(
    model: model, parameters: ["epochs": losses.count, "steps": 1, "verbose": 0])
  model.stopTraining = false
  try callback.onTrainBegin(context: context)
  var ran = 0
  for (epoch, loss) in losses.enumerated() where !model.stopTraining {
    try callback.onEpochEnd(epoch: epoch, logs: [key: loss], context: context)
    ran += 1
  }
  return ran
}

@Test func earlyStoppingStopsAfterPatienceEpochsWithoutImprovement() throws {
  // Best at epoch 1 (0.5); epochs 2, 3 do not improve; patience 2 → stops after epoch 3.
  #expect(try epochsRun(EarlyStopping(patience: 2), losses: [0.9, 0.5, 0.6, 0.55, 0.4, 0.3]) == 4)
  // minDelta: 0.49 is not better than 0.5 by 0.05.
  #expect(
    try epochsRun(EarlyStopping(minDelta: 0.05, patience: 1), losses: [0.5, 0.49, 0.48, 0.1]) == 2)
  // Accuracy goes up (mode .auto from the compiled metric's direction).
  #expect(
    try epochsRun(
      EarlyStopping(monitor: "val_accuracy", patience: 1), losses: [0.5, 0.6, 0.55, 0.9],
      key: "val_accuracy") == 3)
  // startFromEpoch: nothing is watched before epoch 2.
  #expect(
    try epochsRun(
      EarlyStopping(patience: 0, startFromEpoch: 2), losses: [0.1, 0.9, 0.8, 0.85, 0.1]) == 4)
}

@Test func earlyStoppingRestoresTheBestWeightsBitForBit() throws {
  let (model, x, y) = try kerasReferenceModel()
  model.compile(optimizer: .sgd(learningRate: 0.5), loss: .binaryCrossentropy)
  var snapshots: [[Tensor]] = []
  let recorder = LambdaCallback(onEpochEnd: { _, _ in snapshots.append(model.getWeights()) })
  let stopper = EarlyStopping(monitor: "loss", patience: 1, restoreBestWeights: true)
  let history = try model.fit(
    x, y, epochs: 6, shuffle: false, verbose: 0, callbacks: [recorder, stopper])
  let losses = history["loss"]!
  let best = losses.indices.min { losses[$0] < losses[$1] }!
  #expect(stopper.bestEpoch == best)
  #expect(model.getWeights() == snapshots[best])
  // Training that runs to its last epoch still ends with the best epoch's weights (Keras 3).
  let (jumpy, _, _) = try kerasReferenceModel()
  jumpy.compile(optimizer: .sgd(learningRate: 20), loss: .binaryCrossentropy)
  var everyEpoch: [[Tensor]] = []
  let keeper = LambdaCallback(onEpochEnd: { _, _ in everyEpoch.append(jumpy.getWeights()) })
  let restorer = EarlyStopping(monitor: "loss", patience: 10, restoreBestWeights: true)
  let jumpyLosses = try jumpy.fit(
    x, y, epochs: 5, shuffle: false, verbose: 0, callbacks: [keeper, restorer])["loss"]!
  let jumpyBest = jumpyLosses.indices.min { jumpyLosses[$0] < jumpyLosses[$1] }!
  #expect(everyEpoch.count == 5)
  #expect(jumpy.getWeights() == everyEpoch[jumpyBest])
}

@Test func stopAtThresholdStopsWhenTheLossIsLowEnough() throws {
  #expect(
    try epochsRun(
      StopAtThreshold(monitor: "val_loss", threshold: 0.3), losses: [0.9, 0.5, 0.29, 0.1]) == 3)
}

@Test func unknownMonitorIsIgnoredWithAWarning() throws {
  let stopper = EarlyStopping(monitor: "val_acc", patience: 0, mode: .max)
  #expect(try epochsRun(stopper, losses: [0.9, 1, 1.1], key: "val_accuracy") == 3)
  // Keras's wording, with the keys that are available.
  #expect(
    stopper.missingMonitorWarning
      == "Warning: Early stopping is conditioned on metric `val_acc` which is not available. Available metrics are: val_accuracy"
  )
}

@Test func autoModeUsesTheMetricsOwnDirection() throws {
  // A custom metric named like a loss, but declared higher-is-better, is maximised: with
  // patience 0, rising values never stop training.
  let f1 = CustomMetric(name: "f1", higherIsBetter: true) { y, p in (y - p).abs() }
  func run(_ metric: CustomMetric, _ values: [Float]) throws -> Int {
    let (model, _, _) = try kerasReferenceModel()
    model.compile(optimizer: .sgd, loss: .binaryCrossentropy, metrics: [metric])
    let stopper = EarlyStopping(monitor: "val_f1", patience: 0)
    let context = TrainingContext(model: model, parameters: [:])
    try stopper.onTrainBegin(context: context)
    var ran = 0
    for (epoch, value) in values.enumerated() where !model.stopTraining {
      stopper.onEpochEnd(epoch: epoch, logs: ["val_f1": value], context: context)
      ran += 1
    }
    return ran
  }
  #expect(try run(f1, [0.1, 0.2, 0.3]) == 3)
  // Without a direction, `.auto` cannot decide: Keras raises, and so does Strata, before
  // any epoch runs.
  let undecided = CustomMetric(name: "f1") { y, p in (y - p).abs() }
  expectStrataError(.invalidArgument, containing: "maximized or minimized") {
    _ = try run(undecided, [0.1])
  }
  let (model, x, y) = try kerasReferenceModel()
  model.compile(optimizer: .sgd, loss: .binaryCrossentropy, metrics: [undecided])
  let before = model.getWeights()
  expectStrataError(.invalidArgument, containing: "monitor=val_f1") {
    try model.fit(
      x, y, epochs: 2, validationSplit: 0.34, verbose: 0,
      callbacks: [EarlyStopping(monitor: "val_f1")])
  }
  #expect(model.getWeights() == before)
}

@Test func reduceLROnPlateauFollowsKeras() throws {
  let (model, _, _) = try kerasReferenceModel()
  model.compile(optimizer: .sgd(learningRate: 0.1), loss: .binaryCrossentropy)
  let callback = ReduceLROnPlateau(
    monitor: "loss", factor: 0.5, patience: 2, cooldown: 1, minLR: 0.02)
  let context = TrainingContext(model: model, parameters: [:])
  try callback.onTrainBegin(context: context)
  var rates: [Float] = []
  for (epoch, loss) in [1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0].enumerated() {
    callback.onEpochEnd(epoch: epoch, logs: ["loss": Float(loss)], context: context)
    rates.append(model.optimizer!.learningRate)
  }
  // Keras's order: epoch 0 sets the best; waits 1, 2 → 0.05 at epoch 2 and a cooldown of 1;
  // epoch 3 spends the cooldown (wait 0, then 1); wait 2 → 0.025 at epoch 4; epoch 5 cooldown;
  // epoch 6 → max(0.0125, minLR 0.02) = 0.02; epoch 7 cooldown.
  expectClose(rates, [0.1, 0.1, 0.05, 0.05, 0.025, 0.025, 0.02, 0.02])
}

@Test func learningRateSchedulerSetsTheRateAndHistoryLogsIt() throws {
  let (model, x, y) = try kerasReferenceModel()
  model.compile(optimizer: .sgd(learningRate: 0.1), loss: .binaryCrossentropy)
  let scheduler = LearningRateScheduler { epoch, rate in epoch == 0 ? rate : rate * 0.5 }
  let history = try model.fit(x, y, epochs: 3, verbose: 0, callbacks: [scheduler])
  expectClose(history["learning_rate"]!, [0.1, 0.05, 0.025])
}

@Test func csvLoggerWritesOneRowPerEpoch() throws {
  let folder = try temporaryFolder()
  defer { try? FileManager.default.removeItem(at: folder) }
  let path = folder.appendingPathComponent("log.csv").path
  let (model, x, y) = try kerasReferenceModel()
  model.compile(optimizer: .sgd, loss: .binaryCrossentropy, metrics: [.accuracy])
  let history = try model.fit(x, y, epochs: 2, verbose: 0, callbacks: [CSVLogger(path: path)])
  let lines = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n")
  #expect(lines.count == 3)
  #expect(lines[0] == "epoch,accuracy,loss,val_accuracy,val_loss")
  #expect(
    lines[1] == "0,\(Double(history["accuracy"]![0])),\(Double(history["loss"]![0])),NA,NA")
  // Keras writes the float32 2/9 as the Python float 0.2222222238779068 (str(float(x))).
  #expect("\(Double(Float(2.0 / 9.0)))" == "0.2222222238779068")
  try model.fit(x, y, epochs: 1, verbose: 0, callbacks: [CSVLogger(path: path, append: true)])
  #expect(try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").count == 4)
}

@Test func terminateOnNaNStopsAndKeepsTheLastFiniteWeights() throws {
  // A huge learning rate makes the loss overflow: no non-finite step reaches the weights.
  let model = Sequential { Dense(units: 1, inputShape: [1], kernelInitializer: .zeros) }
  model.compile(optimizer: .sgd(learningRate: 1e18), loss: .meanSquaredError)
  let x = Tensor([[1e10], [2e10]])
  let terminator = TerminateOnNaN()
  try model.fit(x, x, epochs: 20, batchSize: 1, shuffle: false, verbose: 0, callbacks: [terminator])
  #expect(terminator.stoppedAt != nil)
  #expect(model.getWeights().allSatisfy { $0.isFinite })
  // The first step moved the weight from 0 to about 2e38 (finite), with which the second
  // batch's loss overflows: the weights are put back to those of the first batch, so the model
  // predicts finite values again (it gave NaN with 1e23–1e31 weights before).
  #expect(model.getWeights() == [Tensor([[0]]), Tensor([0])])
  #expect(try model.predict(x).isFinite)
  let raising = Sequential { Dense(units: 1, inputShape: [1], kernelInitializer: .zeros) }
  raising.compile(optimizer: .sgd(learningRate: 1e18), loss: .meanSquaredError)
  expectStrataError(.invalidData, containing: "invalid loss") {
    try raising.fit(
      x, x, epochs: 20, batchSize: 1, verbose: 0, callbacks: [TerminateOnNaN(raiseError: true)])
  }
}

@Test func aThrowingCallbackStopsFitWithItsError() throws {
  struct Halt: Error {}
  let (model, x, y) = try kerasReferenceModel()
  model.compile(optimizer: .sgd, loss: .binaryCrossentropy)
  var afterFirstBatch: [Tensor] = []
  let callback = LambdaCallback(onTrainBatchEnd: { batch, _ in
    afterFirstBatch = model.getWeights()
    throw Halt()
  })
  #expect(throws: Halt.self) {
    try model.fit(x, y, epochs: 3, batchSize: 1, verbose: 0, callbacks: [callback])
  }
  #expect(model.getWeights() == afterFirstBatch)
  #expect(model.optimizer!.iterations == 1)
}

@Test func modelCheckpointFillsPlaceholdersAndSavesTheBest() throws {
  #expect(
    try ModelCheckpoint.format(
      "ckpt-{epoch:02d}-{val_loss:.2f}.safetensors", epoch: 3, logs: ["val_loss": 0.1234])
      == "ckpt-03-0.12.safetensors")
  expectStrataError(.invalidArgument, containing: "names 'val_acc'") {
    _ = try ModelCheckpoint.format("{val_acc}", epoch: 1, logs: ["loss": 1])
  }
  let folder = try temporaryFolder()
  defer { try? FileManager.default.removeItem(at: folder) }
  let (model, x, y) = try kerasReferenceModel()
  model.compile(optimizer: .sgd(learningRate: 0.5), loss: .binaryCrossentropy)
  let checkpoint = ModelCheckpoint(
    path: folder.path + "/w-{epoch}.safetensors", monitor: "loss", saveBestOnly: true)
  let history = try model.fit(x, y, epochs: 4, shuffle: false, verbose: 0, callbacks: [checkpoint])
  // A file for every epoch whose loss beat all earlier ones.
  let losses = history["loss"]!
  let improving = losses.indices.filter { epoch in
    losses[..<epoch].allSatisfy { losses[epoch] < $0 }
  }
  #expect(
    checkpoint.savedPaths.map { URL(fileURLWithPath: $0).lastPathComponent }
      == improving.map { "w-\($0 + 1).safetensors" })
  let (restored, _, _) = try kerasReferenceModel()
  try restored.loadWeights(from: URL(fileURLWithPath: checkpoint.savedPaths.last!))
  if improving.last == 3 { #expect(restored.getWeights() == model.getWeights()) }
}

@Test func sampleWeightsAreHonouredInMetrics() {
  let accumulator = BinaryAccuracy().makeAccumulator(
    for: MetricResolution(outputShape: [1], targetShape: [1]))
  // Right, wrong with weights 3 and 1: weighted accuracy 0.75.
  accumulator.update(
    target: Tensor([[1], [1]]), prediction: Tensor([[0.9], [0.1]]), sampleWeight: Tensor([3, 1]))
  #expect(accumulator.result == 0.75)
}

@Test func invalidCallbackAndScheduleArgumentsThrowFromFit() throws {
  // Each of these was a precondition (a crash) at construction before.
  let (model, x, y) = try kerasReferenceModel()
  let before = model.getWeights()
  model.compile(optimizer: .sgd, loss: .binaryCrossentropy)
  expectStrataError(.invalidArgument, containing: "factor >= 1. Received: factor=1.0") {
    try model.fit(x, y, verbose: 0, callbacks: [ReduceLROnPlateau(monitor: "loss", factor: 1)])
  }
  model.compile(
    optimizer: SGD().scheduled(by: PiecewiseConstantDecay(boundaries: [1, 2], values: [0.1])),
    loss: .binaryCrossentropy)
  expectStrataError(.invalidArgument, containing: "1 values for 2 boundaries") {
    try model.fit(x, y, verbose: 0)
  }
  model.compile(
    optimizer: SGD().scheduled(
      by: ExponentialDecay(initialLearningRate: 0.1, decaySteps: 0, decayRate: 0.5)),
    loss: .binaryCrossentropy)
  expectStrataError(.invalidArgument, containing: "decaySteps=0") {
    try model.fit(x, y, verbose: 0)
  }
  #expect(model.getWeights() == before)
}

@Test func modelCheckpointSavesWholeModelsByDefault() throws {
  // `saveWeightsOnly: false` was a precondition failure; it is Keras's default.
  let folder = try temporaryFolder()
  defer { try? FileManager.default.removeItem(at: folder) }
  let (model, x, y) = try kerasReferenceModel()
  model.compile(optimizer: .adam(learningRate: 0.01), loss: .binaryCrossentropy, metrics: [.auc])
  let checkpoint = ModelCheckpoint(path: folder.path + "/model-{epoch}.strata")
  try model.fit(x, y, epochs: 2, shuffle: false, verbose: 0, callbacks: [checkpoint])
  #expect(checkpoint.savedPaths.count == 2)
  let restored = try Sequential.load(from: URL(fileURLWithPath: checkpoint.savedPaths[1]))
  #expect(restored.getWeights() == model.getWeights())
  #expect(restored.metricsNames == ["loss", "auc"])
  #expect(restored.optimizer!.iterations == 2)
}

@Test func modelCheckpointSavesEveryNBatchesAndAboveAThreshold() throws {
  let folder = try temporaryFolder()
  defer { try? FileManager.default.removeItem(at: folder) }
  var generator = RandomGenerator(seed: 1)
  let x = Tensor.normal([10, 2], generator: &generator)
  let y = Tensor(
    shape: [10, 1],
    scalars: x.scalars.enumerated().filter { $0.offset % 2 == 0 }.map {
      $0.element > 0 ? 1 : 0
    })
  let model = Sequential(seed: 2) { Dense(units: 1, inputShape: [2], activation: .sigmoid) }
  model.compile(optimizer: .sgd(learningRate: 0.1), loss: .binaryCrossentropy)
  // Keras's save_freq=2: 5 batches an epoch over 2 epochs, counted across epochs, give saves
  // after batches 2 and 4 of epoch 1, 1, 3 and 5 of epoch 2.
  let everyTwo = ModelCheckpoint(
    path: folder.path + "/b-{epoch}-{batch}.strata", saveFrequency: .batches(2))
  try model.fit(x, y, epochs: 2, batchSize: 2, shuffle: false, verbose: 0, callbacks: [everyTwo])
  #expect(
    everyTwo.savedPaths.map { URL(fileURLWithPath: $0).lastPathComponent } == [
      "b-1-2.strata", "b-1-4.strata", "b-2-1.strata", "b-2-3.strata", "b-2-5.strata",
    ])
  // Keras's initial_value_threshold: with saveBestOnly nothing is saved until the monitored
  // loss beats it, and a loss that never falls below 0.001 is never saved.
  let strict = ModelCheckpoint(
    path: folder.path + "/never-{epoch}.strata", monitor: "loss", saveBestOnly: true,
    initialValueThreshold: 0.001)
  try model.fit(x, y, epochs: 2, batchSize: 2, verbose: 0, callbacks: [strict])
  #expect(strict.savedPaths.isEmpty)
  expectStrataError(.invalidArgument, containing: "`saveFrequency` must be") {
    try model.fit(
      x, y, verbose: 0,
      callbacks: [ModelCheckpoint(path: folder.path + "/x.strata", saveFrequency: .batches(0))])
  }
}
