/// A quantity reported during `fit` and `evaluate`, as Keras's `metrics=[…]`.
///
/// Each run keeps running state (Keras's `total`/`count`, in a ``MetricAccumulator``), so an
/// epoch value is the mean over samples, not over batches. Names are Keras's and appear in
/// ``History``: `.accuracy` → `accuracy`, `.binaryCrossentropy` → `binary_crossentropy`.
///
/// Write `metrics: [.accuracy, .auc]`, or the types themselves (`BinaryAccuracy(threshold:
/// 0.7)`). To write your own, adopt the protocol, or write a closure with ``CustomMetric``.
public protocol Metric: Configurable, Sendable {
  /// The name under which the metric is logged (`val_` is prefixed for validation).
  var name: String { get }

  /// Whether larger values are better (accuracy) or smaller ones (errors), for callbacks in
  /// `mode: .auto`; `nil` when unknown, and such callbacks then ask for an explicit mode.
  var higherIsBetter: Bool? { get }

  /// A fresh accumulator for one run (an epoch, an evaluation) on outputs and labels of the
  /// shapes `resolution` gives.
  func makeAccumulator(for resolution: MetricResolution) -> any MetricAccumulator
}

/// What a metric may look at to resolve itself (Keras builds metrics on the first batch).
public struct MetricResolution: Sendable {
  /// The model's output shape without the batch axis.
  public let outputShape: [Int]
  /// The labels' shape without the batch axis.
  public let targetShape: [Int]

  /// The shapes of one run.
  public init(outputShape: [Int], targetShape: [Int]) {
    self.outputShape = outputShape
    self.targetShape = targetShape
  }

  /// Keras's `is_sparse`: labels of lower rank than the output, or one label column for a
  /// multi-column output.
  public var hasSparseTargets: Bool {
    targetShape.count < outputShape.count
      || (targetShape.last == 1 && (outputShape.last ?? 1) > 1)
  }
}
