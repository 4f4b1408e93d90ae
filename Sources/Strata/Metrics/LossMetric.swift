/// A loss reported as a metric, named as the loss (without regularization penalties), as
/// Keras's `metrics=["mse"]` or `keras.metrics.MeanSquaredError()`.
public struct LossMetric: Metric {
  /// The loss whose per-sample values are averaged.
  public let loss: any Loss

  /// Reports `loss` as a metric.
  public init(_ loss: any Loss) {
    self.loss = loss
  }

  /// The loss's name.
  public var name: String { loss.name }
  /// Lower is better.
  public var higherIsBetter: Bool? { false }

  /// A mean of the loss's per-sample values.
  public func makeAccumulator(for resolution: MetricResolution) -> any MetricAccumulator {
    let loss = loss
    return MeanAccumulator { target, prediction in
      loss.values(target: target, prediction: prediction)
    }
  }

  /// The loss, saved as a reference.
  public var configuration: Configuration { ["loss": Registry.reference(to: loss)] }
  /// Rebuilds the metric and its loss.
  public init(configuration: Configuration) throws {
    guard let reference = configuration["loss"] else {
      throw StrataError(.invalidArgument, "`loss` is missing")
    }
    self.init(try Registry.instantiate(reference, as: (any Loss).self, role: "a loss"))
  }
}

extension Metric where Self == LossMetric {
  /// Any loss as a metric, named as the loss.
  public static func loss(_ loss: any Loss) -> LossMetric { LossMetric(loss) }
  /// Mean squared error as a metric.
  public static var meanSquaredError: LossMetric { LossMetric(.meanSquaredError) }
  /// Mean absolute error as a metric.
  public static var meanAbsoluteError: LossMetric { LossMetric(.meanAbsoluteError) }
  /// Binary cross-entropy (on probabilities) as a metric, logged as `binary_crossentropy`.
  public static var binaryCrossentropy: LossMetric { LossMetric(.binaryCrossentropy) }
  /// Binary cross-entropy with the loss's options, spelled as the loss:
  /// `metrics: [.binaryCrossentropy(fromLogits: true)]` (Keras's
  /// `BinaryCrossentropy(from_logits=True)` metric).
  public static func binaryCrossentropy(fromLogits: Bool, labelSmoothing: Float = 0)
    -> LossMetric
  {
    LossMetric(.binaryCrossentropy(fromLogits: fromLogits, labelSmoothing: labelSmoothing))
  }
  /// Categorical cross-entropy (on probabilities) as a metric.
  public static var categoricalCrossentropy: LossMetric { LossMetric(.categoricalCrossentropy) }
  /// Categorical cross-entropy with the loss's options, spelled as the loss.
  public static func categoricalCrossentropy(fromLogits: Bool, labelSmoothing: Float = 0)
    -> LossMetric
  {
    LossMetric(.categoricalCrossentropy(fromLogits: fromLogits, labelSmoothing: labelSmoothing))
  }
  /// Sparse categorical cross-entropy (on probabilities) as a metric.
  public static var sparseCategoricalCrossentropy: LossMetric {
    LossMetric(.sparseCategoricalCrossentropy)
  }
  /// Sparse categorical cross-entropy with the loss's option, spelled as the loss.
  public static func sparseCategoricalCrossentropy(fromLogits: Bool) -> LossMetric {
    LossMetric(.sparseCategoricalCrossentropy(fromLogits: fromLogits))
  }
}
