/// Accuracy resolved as Keras resolves `"accuracy"`: binary when the output has one column,
/// sparse-categorical when labels are integer indices, otherwise categorical. Logged as
/// `accuracy`.
public struct Accuracy: Metric {
  /// Creates the metric.
  public init() {}

  /// `accuracy`.
  public var name: String { "accuracy" }
  /// Higher is better.
  public var higherIsBetter: Bool? { true }

  /// The binary, sparse or categorical accuracy the shapes call for.
  public func makeAccumulator(for resolution: MetricResolution) -> any MetricAccumulator {
    if resolution.outputShape.last == 1 {
      return MeanAccumulator { binaryAccuracyValues($0, $1, threshold: 0.5) }
    }
    if resolution.hasSparseTargets { return MeanAccumulator(sparseCategoricalAccuracyValues) }
    return MeanAccumulator(categoricalAccuracyValues)
  }

  /// No arguments.
  public var configuration: Configuration { [:] }
  /// Rebuilds the metric.
  public init(configuration: Configuration) {}
}

extension Metric where Self == Accuracy {
  /// Accuracy resolved by the output and label shapes, as Keras's `"accuracy"`.
  public static var accuracy: Accuracy { Accuracy() }
}
