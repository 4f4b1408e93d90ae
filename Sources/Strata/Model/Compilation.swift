/// What `compile` fixes: the optimizer, the loss and the metrics.
struct CompiledConfiguration {
  let optimizer: any Optimizer
  let loss: any Loss
  let metrics: [any Metric]
}

extension Sequential {
  /// Configures the model for training, as Keras's `compile`.
  ///
  /// - Parameters:
  ///   - optimizer: `.rmsprop` by default, as in Keras; `.adam(learningRate: 1e-3)`,
  ///     `SGD(learningRate: 0.1, momentum: 0.9)`, …
  ///   - loss: `.sparseCategoricalCrossentropy`, `.binaryCrossentropy(fromLogits: true)`, …
  ///   - metrics: reported in ``History`` under their Keras names (`.accuracy` → `accuracy`).
  ///
  /// Compiling again replaces the optimizer, loss and metrics; the weights are kept.
  public func compile(
    optimizer: any Optimizer = .rmsprop, loss: any Loss, metrics: [any Metric] = []
  ) {
    compiled = CompiledConfiguration(optimizer: optimizer, loss: loss, metrics: metrics)
  }

  /// The optimizer set by `compile`, if any.
  public var optimizer: (any Optimizer)? { compiled?.optimizer }

  /// The loss set by `compile`, if any.
  public var loss: (any Loss)? { compiled?.loss }

  /// The metrics set by `compile`, in order.
  public var metrics: [any Metric] { compiled?.metrics ?? [] }

  /// The names of what `evaluate` reports: `loss` and each metric.
  public var metricsNames: [String] { ["loss"] + (compiled?.metrics.map(\.name) ?? []) }

  /// The compile configuration, checked; for `training`, also that the optimizer can update
  /// this model's weights (it has not served another model).
  func requireCompiled(forTraining training: Bool) throws -> CompiledConfiguration {
    guard let compiled else {
      throw StrataError(.invalidState, "You must call `compile()` before using the model.")
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
