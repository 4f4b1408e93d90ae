/// What `compile` fixes: the optimizer, the loss and the metrics.
struct CompiledConfiguration {
  let optimizer: any Optimizer
  let loss: any Loss
  let metrics: [any Metric]
  let weightedMetrics: [any Metric]
  /// The factor of the compiled loss (Keras's `loss_weights`); `nil` for none.
  let lossWeight: Float?
}

extension Sequential {
  /// Configures the model for training, as Keras's `compile`.
  ///
  /// - Parameters:
  ///   - optimizer: `.rmsprop` by default, as in Keras; `.adam(learningRate: 1e-3)`,
  ///     `SGD(learningRate: 0.1, momentum: 0.9)`, …
  ///   - loss: `.sparseCategoricalCrossentropy`, `.binaryCrossentropy(fromLogits: true)`, …
  ///   - metrics: reported in ``History`` under their Keras names (`.accuracy` → `accuracy`).
  ///     As in Keras they ignore `sampleWeight` and `classWeight`, which weight the loss.
  ///   - weightedMetrics: metrics weighted by `sampleWeight` or `classWeight` (Keras's
  ///     `weighted_metrics`); one whose name a plain metric already has is logged as
  ///     `weighted_<name>`.
  ///   - lossWeights: a factor on the loss (Keras's `loss_weights` of a model with one
  ///     output): the reported `loss` and the gradients are the loss times it; weight
  ///     penalties are added unscaled, as in Keras.
  ///
  /// Compiling again replaces the optimizer, loss and metrics; the weights are kept.
  public func compile(
    optimizer: any Optimizer = .rmsprop, loss: any Loss, metrics: [any Metric] = [],
    weightedMetrics: [any Metric] = [], lossWeights: Float? = nil
  ) {
    compiled = CompiledConfiguration(
      optimizer: optimizer, loss: loss, metrics: metrics, weightedMetrics: weightedMetrics,
      lossWeight: lossWeights)
  }

  /// The optimizer set by `compile`, if any.
  public var optimizer: (any Optimizer)? { compiled?.optimizer }

  /// The loss set by `compile`, if any.
  public var loss: (any Loss)? { compiled?.loss }

  /// The metrics set by `compile`, in order.
  public var metrics: [any Metric] { compiled?.metrics ?? [] }

  /// The weighted metrics set by `compile`, in order.
  public var weightedMetrics: [any Metric] { compiled?.weightedMetrics ?? [] }

  /// The loss factor set by `compile(lossWeights:)`, if any.
  public var lossWeights: Float? { compiled?.lossWeight }

  /// The names of what `evaluate` reports: `loss`, each metric, then each weighted metric
  /// (`weighted_<name>` when a plain metric has its name).
  public var metricsNames: [String] {
    guard let compiled else { return ["loss"] }
    return ["loss"] + compiledMetricNames(compiled).map(\.name)
  }

  /// The log name of every metric, plain ones first, and whether it is weighted (Keras's
  /// `CompileMetrics.result` naming).
  func compiledMetricNames(_ compiled: CompiledConfiguration) -> [(
    name: String, metric: any Metric, isWeighted: Bool
  )] {
    var result = compiled.metrics.map { (name: $0.name, metric: $0, isWeighted: false) }
    var taken = Set(result.map(\.name))
    for metric in compiled.weightedMetrics {
      var name = taken.contains(metric.name) ? "weighted_\(metric.name)" : metric.name
      if taken.contains(name) {
        var index = 1
        while taken.contains("\(name)_\(index)") { index += 1 }
        name = "\(name)_\(index)"
      }
      taken.insert(name)
      result.append((name, metric, true))
    }
    return result
  }

  /// The compile configuration, checked; for `training`, also that the optimizer can update
  /// this model's weights (it has not served another model).
  func requireCompiled(forTraining training: Bool) throws -> CompiledConfiguration {
    guard let compiled else {
      throw StrataError(.invalidState, "You must call `compile()` before using the model.")
    }
    if compiled.loss.reduction == .none {
      throw StrataError(
        .invalidArgument,
        "Loss '\(compiled.loss.name)' has reduction .none: fit and evaluate need one loss per batch (Keras's gradient fails on it too). Use .sumOverBatchSize, .sum, .mean or .meanWithSampleWeight."
      )
    }
    if let weight = compiled.lossWeight, !weight.isFinite {
      throw StrataError(
        .invalidArgument, "`lossWeights` must be a finite number. Received: \(weight)")
    }
    if training {
      try compiled.optimizer.validate()
      try compiled.optimizer.core.checkBinding(to: trainableWeights, owner: name)
    }
    var seen = Set(["loss"])
    for metric in compiled.metrics {
      guard seen.insert(metric.name).inserted else {
        throw StrataError(
          .invalidArgument,
          "Metric names must be unique: '\(metric.name)' appears twice in `metrics`.")
      }
    }
    return compiled
  }
}

extension Configuration {
  /// The `loss_weights` of a compile configuration: `null`, a number, or (as Keras writes
  /// it for a list) an array of one number, since a `Sequential` model has one output.
  func lossWeight() throws -> Float? {
    guard let value = self["loss_weights"], value != .null else { return nil }
    if case .array(let values) = value {
      guard values.count == 1 else {
        throw StrataError(
          .fileFormat,
          "`loss_weights` must have one entry for a model with one output. Received: \(values.count) entries"
        )
      }
      return try Float(configurationValue: values[0])
    }
    return try Float(configurationValue: value)
  }
}
