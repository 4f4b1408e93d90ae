/// What `compile` fixes: the optimizer, the loss and the metrics.
struct CompiledConfiguration {
  let optimizer: Optimizer
  let loss: Loss
  let metrics: [Metric]
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
  public func compile(optimizer: Optimizer = .rmsprop, loss: Loss, metrics: [Metric] = []) {
    compiled = CompiledConfiguration(optimizer: optimizer, loss: loss, metrics: metrics)
  }

  /// The optimizer set by `compile`, if any.
  public var optimizer: Optimizer? { compiled?.optimizer }

  /// The loss set by `compile`, if any.
  public var loss: Loss? { compiled?.loss }

  /// The names of what `evaluate` reports: `loss` and each metric.
  public var metricsNames: [String] { ["loss"] + (compiled?.metrics.map(\.name) ?? []) }

  func requireCompiled() throws -> CompiledConfiguration {
    guard let compiled else {
      throw StrataError(.invalidState, "You must call `compile()` before using the model.")
    }
    try compiled.optimizer.validate()
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
