/// `fit` and `trainOnBatch`.
extension Sequential {
  /// Trains the model for a number of epochs, as Keras's `fit`.
  ///
  /// Everything is checked before any weight changes: that the model is compiled, that `x`
  /// fits the model's input, that `y` fits the loss and the output, that the values are
  /// finite and the arguments in range. On a throw, weights and optimizer state are unchanged.
  ///
  /// - Parameters:
  ///   - x: Inputs, the first axis indexing samples.
  ///   - y: Targets: integer labels for sparse cross-entropy, 0/1 for binary cross-entropy,
  ///     one-hot rows for categorical cross-entropy, values for regression losses.
  ///   - epochs: The index of the last epoch (training runs `initialEpoch..<epochs`).
  ///   - batchSize: Samples per gradient step (Keras default 32); the last batch may be short.
  ///   - validationSplit: The fraction of samples, taken from the end of `x` and `y` before
  ///     any shuffling (as in Keras), held out for validation.
  ///   - validationData: Data to validate on after each epoch; overrides `validationSplit`.
  ///   - validationSampleWeight: A loss weight per sample of `validationData` (the third
  ///     element of Keras's `validation_data`). With `validationSplit`, the held-out part of
  ///     `sampleWeight` weights the validation loss, as in Keras; class weights do not.
  ///   - shuffle: Whether to shuffle the training samples every epoch (with the model's seed).
  ///   - classWeight: A weight per class index, turned into per-sample loss weights.
  ///   - sampleWeight: A loss weight per sample.
  ///   - initialEpoch: The epoch to start from, when resuming.
  ///   - validationBatchSize: Samples per validation batch (default `batchSize`), Keras's
  ///     `validation_batch_size`.
  ///   - distribution: Train data-parallel with other processes (``TrainingDistribution``):
  ///     `batchSize` is then the global batch, of which this process takes its share.
  ///   - stepsPerEpoch: Batches per epoch (Keras's `steps_per_epoch`; default: one pass over
  ///     the data). As in Keras, a pass over the data spans epochs: the next epoch continues
  ///     where the last stopped, and a new pass (with a new shuffle) starts once every batch
  ///     has been seen; an epoch that reaches the end of a pass stops there, short.
  ///   - validationFreq: Validate after every `validationFreq`-th epoch (Keras's
  ///     `validation_freq`: after epoch e when e + 1 is a multiple of it); the other epochs have
  ///     no `val_` entries in their logs or in ``History``.
  ///   - verbose: `0` silent, `1` progress bar, `2` one line per epoch.
  ///   - callbacks: Hooks called during training; a ``History`` is always recorded.
  /// - Returns: The per-epoch loss and metric values.
  @discardableResult
  public func fit(
    _ x: Tensor, _ y: Tensor, epochs: Int = 1, batchSize: Int = 32, validationSplit: Float = 0,
    validationData: (Tensor, Tensor)? = nil, validationSampleWeight: Tensor? = nil,
    shuffle: Bool = true, classWeight: [Int: Float]? = nil,
    sampleWeight: Tensor? = nil, initialEpoch: Int = 0, stepsPerEpoch: Int? = nil,
    validationBatchSize: Int? = nil, validationFreq: Int = 1,
    distribution: (any TrainingDistribution)? = nil,
    verbose: Verbosity = .progressBar, callbacks: [any Callback] = []
  ) throws -> History {
    let configuration = try requireCompiled(forTraining: true)
    guard batchSize >= 1 else {
      throw StrataError(
        .invalidArgument, "`batchSize` must be at least 1. Received: batchSize=\(batchSize)")
    }
    guard (validationBatchSize ?? 1) >= 1, validationFreq >= 1, (stepsPerEpoch ?? 1) >= 1 else {
      throw StrataError(
        .invalidArgument,
        "`validationBatchSize`, `validationFreq` and `stepsPerEpoch` must be at least 1. Received: validationBatchSize=\(validationBatchSize.map(String.init) ?? "nil"), validationFreq=\(validationFreq), stepsPerEpoch=\(stepsPerEpoch.map(String.init) ?? "nil")"
      )
    }
    guard epochs >= 0, initialEpoch >= 0 else {
      throw StrataError(
        .invalidArgument,
        "`epochs` and `initialEpoch` must not be negative. Received: epochs=\(epochs), initialEpoch=\(initialEpoch)"
      )
    }
    guard validationSplit >= 0 && validationSplit < 1 else {
      throw StrataError(
        .invalidArgument,
        "`validationSplit` must be in [0, 1). Received: validationSplit=\(validationSplit)")
    }
    let data = try prepareTrainingData(
      x, y, validationSplit: validationSplit, validationData: validationData,
      validationSampleWeight: validationSampleWeight,
      classWeight: classWeight, sampleWeight: sampleWeight, loss: configuration.loss)

    if let distribution { try distribution.broadcastState(of: self) }

    let history = History()
    let batchesPerPass = batchCount(samples: data.x.shape[0], batchSize: batchSize)
    let steps = stepsPerEpoch ?? batchesPerPass
    var allCallbacks: [any Callback] = [history]
    // With several processes only the chief prints and writes files.
    let isChief = distribution?.isChief ?? true
    if isChief && verbose != .silent && !callbacks.contains(where: { $0 is ProgbarLogger }) {
      allCallbacks.append(ProgbarLogger(verbosity: verbose))
    }
    allCallbacks += callbacks.filter {
      isChief || !($0 is ProgbarLogger || $0 is ModelCheckpoint || $0 is CSVLogger)
    }
    // Keras logs `learning_rate` only through the callbacks that set it (ReduceLROnPlateau,
    // LearningRateScheduler), not for a schedule.
    let logsLearningRate = callbacks.contains { $0 is any LearningRateAdjusting }
    let context = TrainingContext(
      model: self, parameters: ["epochs": epochs, "steps": steps, "verbose": verbose.rawValue])
    let metrics = makeAccumulators(configuration, targets: data.y)
    let lossTracker = WeightedMean()
    let samples = data.x.shape[0]

    stopTraining = false
    for callback in allCallbacks { try callback.onTrainBegin(context: context) }
    var epochLogs: [String: Float] = [:]
    var epoch = initialEpoch
    // Where the current pass over the data stands (its batches seen) and its order.
    var passPosition = 0
    var order: [Int]? = nil
    while epoch < epochs && !stopTraining {
      lossTracker.reset()
      for metric in metrics { metric.accumulator.reset() }
      for callback in allCallbacks { try callback.onEpochBegin(epoch: epoch, context: context) }
      if passPosition == 0 { order = shuffle ? shuffleGenerator.permutation(samples) : nil }
      let epochSteps = Swift.min(steps, batchesPerPass - passPosition)
      for batch in 0..<epochSteps {
        for callback in allCallbacks {
          try callback.onTrainBatchBegin(batch: batch, context: context)
        }
        let range = batchRange(passPosition + batch, batchSize: batchSize, samples: samples)
        if let distribution {
          // This process's contiguous share of the global batch; the loss comes back global.
          let local = distribution.share(of: range)
          let (xb, yb, wb) = local.isEmpty ? (nil, nil, nil) : data.batch(local, order: order)
          let result = try distributedTrainStep(
            xb, yb, sampleWeight: wb, share: Float(local.count) / Float(range.count),
            configuration: configuration, distribution: distribution)
          lossTracker.add(result.loss, weight: range.count)
          if let yb, let output = result.output {
            for metric in metrics {
              metric.update(
                target: yb, prediction: output, sampleWeight: wb, mask: result.outputMask)
            }
          }
        } else {
          let (xb, yb, wb) = data.batch(range, order: order)
          let result = try trainStep(xb, yb, sampleWeight: wb, configuration: configuration)
          lossTracker.add(result.loss, weight: range.count)
          for metric in metrics {
            metric.update(
              target: yb, prediction: result.output, sampleWeight: wb, mask: result.outputMask)
          }
        }
        let logs = currentLogs(lossTracker, metrics)
        for callback in allCallbacks {
          try callback.onTrainBatchEnd(batch: batch, logs: logs, context: context)
        }
        if stopTraining { break }
      }
      passPosition += epochSteps
      if passPosition >= batchesPerPass || stepsPerEpoch == nil { passPosition = 0 }
      if let distribution {
        // The metrics' sums over every process's shares (the loss is global already), and the
        // moving statistics averaged, so that every process holds the same model.
        var loss = lossTracker.sums
        try distribution.reduce(metrics, loss: &loss)
        try distribution.averageNonTrainableWeights(of: self)
        if distribution.checksWeightsEachEpoch {
          try distribution.checkWeightsMatchChief(of: self, epoch: epoch)
        }
      }
      epochLogs = currentLogs(lossTracker, metrics)
      // Keras validates after epoch e when (e + 1) is a multiple of `validation_freq`; the
      // `val_` entries of the other epochs are absent, in the logs and in History.
      if let validation = data.validation, (epoch + 1) % validationFreq == 0 {
        let values = try evaluateSilently(
          validation.x, validation.y, sampleWeight: validation.sampleWeight,
          batchSize: validationBatchSize ?? batchSize,
          configuration: configuration, callbacks: allCallbacks, context: context,
          distribution: distribution)
        for (key, value) in values { epochLogs["val_" + key] = value }
      }
      if logsLearningRate {
        epochLogs["learning_rate"] = configuration.optimizer.currentLearningRate
      }
      for callback in allCallbacks {
        try callback.onEpochEnd(epoch: epoch, logs: epochLogs, context: context)
      }
      epoch += 1
    }
    // With `useEMA` the weights take their moving averages, before `onTrainEnd` (so that
    // EarlyStopping's restored weights win), as in Keras.
    if epochs > 0 { configuration.optimizer.finalizeWeights(trainableWeights) }
    for callback in allCallbacks { try callback.onTrainEnd(logs: epochLogs, context: context) }
    return history
  }

  /// One gradient step on one batch, as Keras's `train_on_batch`; returns that batch's loss
  /// and metrics (computed before the update).
  @discardableResult
  public func trainOnBatch(
    _ x: Tensor, _ y: Tensor, sampleWeight: Tensor? = nil, classWeight: [Int: Float]? = nil
  ) throws -> [String: Float] {
    let configuration = try requireCompiled(forTraining: true)
    let data = try prepareTrainingData(
      x, y, validationSplit: 0, validationData: nil, classWeight: classWeight,
      sampleWeight: sampleWeight, loss: configuration.loss)
    let result = try trainStep(
      data.x, data.y, sampleWeight: data.sampleWeight, configuration: configuration)
    let metrics = makeAccumulators(configuration, targets: data.y)
    let tracker = WeightedMean()
    tracker.add(result.loss, weight: x.shape[0])
    for metric in metrics {
      metric.update(
        target: data.y, prediction: result.output, sampleWeight: data.sampleWeight,
        mask: result.outputMask)
    }
    return currentLogs(tracker, metrics)
  }

  /// Validates and shapes everything `fit` needs, building the model if necessary; nothing
  /// is changed if anything is wrong.
  func prepareTrainingData(
    _ x: Tensor, _ y: Tensor, validationSplit: Float, validationData: (Tensor, Tensor)?,
    validationSampleWeight: Tensor? = nil,
    classWeight: [Int: Float]?, sampleWeight: Tensor?, loss: any Loss
  ) throws -> TrainingData {
    let samples = x.rank >= 1 ? x.shape[0] : 0
    if validationSampleWeight != nil && validationData == nil {
      throw StrataError(
        .invalidArgument, "`validationSampleWeight` needs `validationData` to weight.")
    }
    if x.rank >= 1, y.rank >= 1, y.shape[0] != samples {
      throw StrataError(
        .invalidArgument,
        "Data cardinality is ambiguous. Make sure all arrays contain the same number of samples. 'x' sizes: \(samples) 'y' sizes: \(y.shape[0])"
      )
    }
    let outputShape = try checkedOutputShape(for: x, argument: "x")
    let targets = try prepareTargets(
      y, samples: samples, outputShape: outputShape, loss: loss, argument: "y")
    let weights = try prepareSampleWeights(
      sampleWeight: sampleWeight, classWeight: classWeight, targets: targets, samples: samples)
    var validation: (x: Tensor, y: Tensor, sampleWeight: Tensor?)? = nil
    var trainX = x
    var trainY = targets
    var trainWeights = weights
    if let (vx, vy) = validationData {
      let validationOutput = try checkedOutputShape(for: vx, argument: "validationData.x")
      let validationTargets = try prepareTargets(
        vy, samples: vx.shape[0], outputShape: validationOutput, loss: loss,
        argument: "validationData.y")
      validation = (
        vx, validationTargets,
        try prepareSampleWeights(
          sampleWeight: validationSampleWeight, classWeight: nil, targets: validationTargets,
          samples: vx.shape[0], argument: "validationSampleWeight")
      )
    } else if validationSplit > 0 {
      // Keras: the last fraction, before shuffling: train [0, splitAt), validate [splitAt, N),
      // with splitAt = floor(N · (1 − split)) in double precision, the split being the Python
      // float the user typed: the shortest decimal of the Float (0.3, not 0.30000001192…).
      let split = Double(validationSplit.description) ?? Double(validationSplit)
      let splitAt = Int((Double(samples) * (1 - split)).rounded(.down))
      guard splitAt > 0 && splitAt < samples else {
        throw StrataError(
          .invalidArgument,
          "Training data contains \(samples) samples, which is not sufficient to split it into a validation and training set as specified by `validationSplit=\(validationSplit)`. Either provide more data, or a different value for the `validationSplit` argument."
        )
      }
      // Keras splits `sample_weight` with the data; class weights apply to training only.
      validation = (
        x.rows(splitAt..<samples), targets.rows(splitAt..<samples),
        sampleWeight == nil ? nil : weights?.rows(splitAt..<samples)
      )
      trainX = x.rows(0..<splitAt)
      trainY = targets.rows(0..<splitAt)
      trainWeights = weights?.rows(0..<splitAt)
    }
    try build(inputShape: Array(x.shape.dropFirst()))
    return TrainingData(x: trainX, y: trainY, sampleWeight: trainWeights, validation: validation)
  }

  func makeAccumulators(_ configuration: CompiledConfiguration, targets: Tensor) -> [MetricState] {
    let resolution = MetricResolution(
      outputShape: outputShape ?? [], targetShape: Array(targets.shape.dropFirst()))
    return compiledMetricNames(configuration).map {
      MetricState(
        name: $0.name, accumulator: $0.metric.makeAccumulator(for: resolution),
        isWeighted: $0.isWeighted)
    }
  }

  func currentLogs(
    _ loss: WeightedMean, _ metrics: [MetricState]
  ) -> [String: Float] {
    var logs = ["loss": loss.result]
    for metric in metrics { logs[metric.name] = metric.accumulator.result }
    return logs
  }
}

/// Checked training arrays and how to cut them into batches.
/// A metric's running state during `fit` or `evaluate`, under its log name.
struct MetricState {
  let name: String
  let accumulator: any MetricAccumulator
  /// Whether it sees the sample weights (a `weightedMetrics` entry).
  let isWeighted: Bool

  /// Adds a batch; only a weighted metric sees `sampleWeight`, as in Keras. A time-step
  /// `mask` of the output (`[batch·steps]`) weights the mean metrics (accuracies, losses as
  /// metrics), as Keras's `MeanMetricWrapper` applies the output's mask.
  func update(target: Tensor, prediction: Tensor, sampleWeight: Tensor?, mask: Tensor? = nil) {
    let weight = isWeighted ? sampleWeight : nil
    guard prediction.rank > 2 else {
      accumulator.update(target: target, prediction: prediction, sampleWeight: weight)
      return
    }
    // A prediction per time step counts every step, as Keras's metrics do.
    let steps = PerStep(prediction)
    var stepWeight = weight.map(steps.repeatedWeights)
    if let mask, accumulator is MeanAccumulator {
      stepWeight = stepWeight.map { $0 * mask } ?? mask
    }
    accumulator.update(
      target: steps.flattenTargets(target), prediction: steps.flatten(prediction),
      sampleWeight: stepWeight)
  }
}

struct TrainingData {
  let x: Tensor
  let y: Tensor
  let sampleWeight: Tensor?
  let validation: (x: Tensor, y: Tensor, sampleWeight: Tensor?)?

  /// The batch at `range` of the epoch's order (shuffled indices or the natural order).
  func batch(_ range: Range<Int>, order: [Int]?) -> (Tensor, Tensor, Tensor?) {
    if let order {
      let indices = Array(order[range])
      return (
        x.gatheringRows(indices), y.gatheringRows(indices), sampleWeight?.gatheringRows(indices)
      )
    }
    if range.count == x.shape[0] { return (x, y, sampleWeight) }
    return (x.rows(range), y.rows(range), sampleWeight?.rows(range))
  }
}
