/// `evaluate`, `predict` and their one-batch forms.
extension Sequential {
  /// The loss and metrics on `x`, `y` in inference mode, as Keras's `evaluate(return_dict=True)`:
  /// `["loss": …, "accuracy": …]`. The loss includes regularization penalties, as in Keras.
  /// With a `distribution`, each process evaluates its share of the samples and every one
  /// returns the global values. `steps` stops after that many batches, as Keras's `steps`.
  public func evaluate(
    _ x: Tensor, _ y: Tensor, batchSize: Int = 32, sampleWeight: Tensor? = nil,
    steps: Int? = nil, distribution: (any TrainingDistribution)? = nil,
    verbose: Verbosity = .progressBar, callbacks: [any Callback] = []
  ) throws -> [String: Float] {
    let configuration = try requireCompiled(forTraining: false)
    guard batchSize >= 1 else {
      throw StrataError(
        .invalidArgument, "`batchSize` must be at least 1. Received: batchSize=\(batchSize)")
    }
    if let limit = try Self.sampleLimit(steps: steps, batchSize: batchSize, samples: x),
      limit < x.shape[0], y.rank >= 1, y.shape[0] == x.shape[0]
    {
      return try evaluate(
        x.rows(0..<limit), y.rows(0..<limit), batchSize: batchSize,
        sampleWeight: sampleWeight?.rows(0..<limit), distribution: distribution,
        verbose: verbose, callbacks: callbacks)
    }
    let outputShape = try checkedOutputShape(for: x, argument: "x")
    let targets = try prepareTargets(
      y, samples: x.shape[0], outputShape: outputShape, loss: configuration.loss, argument: "y")
    let weights = try prepareSampleWeights(
      sampleWeight: sampleWeight, classWeight: nil, targets: targets, samples: x.shape[0])
    try build(inputShape: Array(x.shape.dropFirst()))
    let steps = batchCount(samples: x.shape[0], batchSize: batchSize)
    let context = TrainingContext(
      model: self, parameters: ["steps": steps, "verbose": verbose.rawValue])
    let bar =
      verbose == .silent || !(distribution?.isChief ?? true)
      ? nil
      : ProgressBar(
        target: steps, verbosity: verbose, isTerminal: standardOutputIsTerminal,
        write: writeToStandardOutput)
    let logs = try evaluateSilently(
      x, targets, sampleWeight: weights, batchSize: batchSize, configuration: configuration,
      callbacks: callbacks, context: context, progress: bar, distribution: distribution)
    return logs
  }

  /// The samples `steps` batches cover (Keras's `steps`: stop after that many batches), or nil.
  static func sampleLimit(steps: Int?, batchSize: Int, samples x: Tensor) throws -> Int? {
    guard let steps else { return nil }
    guard steps >= 1 else {
      throw StrataError(.invalidArgument, "`steps` must be at least 1. Received: steps=\(steps)")
    }
    let (product, overflow) = steps.multipliedReportingOverflow(by: batchSize)
    return overflow ? nil : product
  }

  /// The evaluation loop shared by `evaluate` and validation in `fit`.
  func evaluateSilently(
    _ x: Tensor, _ y: Tensor, sampleWeight: Tensor?, batchSize: Int,
    configuration: CompiledConfiguration, callbacks: [any Callback], context: TrainingContext,
    progress: ProgressBar? = nil, distribution: (any TrainingDistribution)? = nil
  ) throws -> [String: Float] {
    guard let distribution else {
      return try evaluateRows(
        x, y, sampleWeight: sampleWeight, batchSize: batchSize, configuration: configuration,
        callbacks: callbacks, context: context, progress: progress, rows: 0..<x.shape[0])
    }
    // Each process evaluates its contiguous share of the samples; the sums are then global.
    let share = distribution.share(of: 0..<x.shape[0])
    let metrics = makeAccumulators(configuration, targets: y)
    let tracker = WeightedMean()
    if !share.isEmpty {
      _ = try evaluateRows(
        x, y, sampleWeight: sampleWeight, batchSize: batchSize, configuration: configuration,
        callbacks: [], context: context, progress: nil, rows: share, metrics: metrics,
        tracker: tracker)
    }
    var loss = tracker.sums
    try distribution.reduce(metrics, loss: &loss)
    tracker.sums = loss
    let logs = currentLogs(tracker, metrics)
    for callback in callbacks {
      try callback.onTestBegin(context: context)
      try callback.onTestEnd(logs: logs, context: context)
    }
    return logs
  }

  /// The evaluation loop on the samples at `rows`, into `metrics` and `tracker` when given.
  private func evaluateRows(
    _ x: Tensor, _ y: Tensor, sampleWeight: Tensor?, batchSize: Int,
    configuration: CompiledConfiguration, callbacks: [any Callback], context: TrainingContext,
    progress: ProgressBar?, rows: Range<Int>, metrics given: [MetricState]? = nil,
    tracker givenTracker: WeightedMean? = nil
  ) throws -> [String: Float] {
    let whole = rows.count == x.shape[0]
    let (x, y) = whole ? (x, y) : (x.rows(rows), y.rows(rows))
    let sampleWeight = whole ? sampleWeight : sampleWeight?.rows(rows)
    let samples = x.shape[0]
    let steps = batchCount(samples: samples, batchSize: batchSize)
    let metrics = given ?? makeAccumulators(configuration, targets: y)
    let tracker = givenTracker ?? WeightedMean()
    for callback in callbacks { try callback.onTestBegin(context: context) }
    for batch in 0..<steps {
      let range = batchRange(batch, batchSize: batchSize, samples: samples)
      let whole = range.count == samples
      let xb = whole ? x : x.rows(range)
      let yb = whole ? y : y.rows(range)
      let wb = whole ? sampleWeight : sampleWeight?.rows(range)
      let result = try testStep(xb, yb, sampleWeight: wb, configuration: configuration)
      tracker.add(result.loss, weight: range.count)
      for metric in metrics {
        metric.update(
          target: yb, prediction: result.output, sampleWeight: wb, mask: result.outputMask)
      }
      let logs = currentLogs(tracker, metrics)
      for callback in callbacks {
        try callback.onTestBatchEnd(batch: batch, logs: logs, context: context)
      }
      progress?.update(batch + 1, values: sortedLogs(logs), final: batch + 1 == steps)
    }
    let logs = currentLogs(tracker, metrics)
    for callback in callbacks { try callback.onTestEnd(logs: logs, context: context) }
    return logs
  }

  /// The loss and metrics of one batch in inference mode (Keras's `test_on_batch`).
  public func testOnBatch(_ x: Tensor, _ y: Tensor, sampleWeight: Tensor? = nil) throws -> [String:
    Float]
  {
    try evaluate(
      x, y, batchSize: Swift.max(1, x.rank >= 1 ? x.shape[0] : 1), sampleWeight: sampleWeight,
      verbose: .silent)
  }

  /// The model's outputs for `x` in inference mode, batch by batch, as Keras's `predict`.
  /// Builds the model from `x` if needed. No gradient bookkeeping is done. `steps` stops
  /// after that many batches (the outputs of their samples only), as Keras's `steps`.
  public func predict(
    _ x: Tensor, batchSize: Int = 32, steps: Int? = nil, verbose: Verbosity = .silent,
    callbacks: [any Callback] = []
  ) throws -> Tensor {
    guard batchSize >= 1 else {
      throw StrataError(
        .invalidArgument, "`batchSize` must be at least 1. Received: batchSize=\(batchSize)")
    }
    if let limit = try Self.sampleLimit(steps: steps, batchSize: batchSize, samples: x),
      limit < x.shape[0]
    {
      return try predict(
        x.rows(0..<limit), batchSize: batchSize, verbose: verbose, callbacks: callbacks)
    }
    try prepareInput(x, argument: "x")
    let samples = x.shape[0]
    let steps = batchCount(samples: samples, batchSize: batchSize)
    let context = TrainingContext(
      model: self, parameters: ["steps": steps, "verbose": verbose.rawValue])
    let bar =
      verbose == .silent
      ? nil
      : ProgressBar(
        target: steps, verbosity: verbose, isTerminal: standardOutputIsTerminal,
        write: writeToStandardOutput)
    for callback in callbacks { try callback.onPredictBegin(context: context) }
    var outputs: [Tensor] = []
    outputs.reserveCapacity(steps)
    let slice = try inferenceSliceSize()
    for batch in 0..<steps {
      let range = batchRange(batch, batchSize: batchSize, samples: samples)
      outputs.append(
        try inferenceForward(range.count == samples ? x : x.rows(range), sliceSize: slice))
      for callback in callbacks { try callback.onPredictBatchEnd(batch: batch, context: context) }
      bar?.update(batch + 1, values: [], final: batch + 1 == steps)
    }
    for callback in callbacks { try callback.onPredictEnd(context: context) }
    return outputs.count == 1 ? outputs[0] : Tensor.concatenating(outputs, alongAxis: 0)
  }

  /// The inference outputs for `batch`, computed over slices of `sliceSize` samples.
  ///
  /// In inference every sample's output depends on that sample alone, and the GEMM sums each
  /// element in an order that does not depend on the number of rows, so slicing gives the same
  /// bits as one pass; it keeps each layer's activations small enough to stay in cache and
  /// below the allocator's limit for reusing memory (a convnet's first layer on 1,024 images is
  /// 88 MB).
  ///
  /// With more than one thread the slices run side by side, each on one thread (its kernels
  /// split their work as they would across threads, so the bits are the same): threads that
  /// met at every layer of every slice had spent about a tenth of the ch. 8 convnet's
  /// `predict` waiting for each other.
  func inferenceForward(_ batch: Tensor, sliceSize: Int) throws -> Tensor {
    let pieces = try mapSlices(count: batch.shape[0], sliceSize: sliceSize) { range in
      var context = LayerContext(isTraining: false)
      return try forward(
        range.count == batch.shape[0] ? batch : batch.rows(range), context: &context)
    }
    return pieces.count == 1 ? pieces[0] : Tensor.concatenating(pieces, alongAxis: 0)
  }

  /// `body` of each slice of `sliceSize` samples in `0..<count` (at least one slice), the
  /// slices side by side on Strata's threads, one slice per thread; the results in slice
  /// order, or the error of the first slice that failed.
  func mapSlices<Piece>(
    count: Int, sliceSize: Int, _ body: (Range<Int>) throws -> Piece
  ) throws -> [Piece] {
    let sliceCount = Swift.max(1, (count + sliceSize - 1) / sliceSize)
    var pieces = [Piece?](repeating: nil, count: sliceCount)
    let failures = Locked<[(slice: Int, error: any Error)]>([])
    pieces.withUnsafeMutableBufferPointer { pieces in
      runParallel(parts: sliceCount) { slice in
        let start = slice * sliceSize
        do {
          pieces[slice] = try body(start..<Swift.min(count, start + sliceSize))
        } catch {
          failures.withLock { $0.append((slice, error)) }
        }
      }
    }
    if let first = failures.withLock({ $0.min { $0.slice < $1.slice } }) { throw first.error }
    return pieces.map { $0! }
  }

  /// The samples per inference slice: as many as keep the activations of all layers together
  /// within about 8 MB (2²¹ values; on a Zen 4, 4–16 MB predicted the ch. 8 convnet fastest,
  /// 2.3–2.7× faster than one pass over a batch of 1,024).
  func inferenceSliceSize() throws -> Int {
    guard var shape = inputShape else { return Int.max }
    var values = shape.reduce(1, *)
    for layer in layers {
      shape = try layer.outputShape(forInputShape: shape)
      values += shape.reduce(1, *)
    }
    return Swift.max(1, (2 << 20) / Swift.max(values, 1))
  }

  /// The outputs for one batch (Keras's `predict_on_batch`).
  public func predictOnBatch(_ x: Tensor) throws -> Tensor {
    try predict(x, batchSize: Swift.max(1, x.rank >= 1 ? x.shape[0] : 1))
  }
}
