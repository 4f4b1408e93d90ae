/// A metric from your own per-sample function of `(target, prediction)`, averaged over
/// samples: `metrics: [.custom(name: "f1", higherIsBetter: true) { y, p in … }]`.
///
/// It is saved by name; register it with ``Registry/register(metric:)`` before loading a model
/// compiled with it.
public struct CustomMetric: Metric {
  /// The name under which the metric is logged and saved.
  public let name: String
  /// Whether larger values are better; `nil` (the default) when you do not say, in which case
  /// callbacks watching it need an explicit mode, as in Keras.
  public let higherIsBetter: Bool?
  private let body: @Sendable (_ target: Tensor, _ prediction: Tensor) -> Tensor

  /// A metric averaging `body(target, prediction)` over samples.
  public init(
    name: String, higherIsBetter: Bool? = nil,
    _ body: @escaping @Sendable (_ target: Tensor, _ prediction: Tensor) -> Tensor
  ) {
    self.name = name
    self.higherIsBetter = higherIsBetter
    self.body = body
  }

  /// A mean of `body`'s values.
  public func makeAccumulator(for resolution: MetricResolution) -> any MetricAccumulator {
    MeanAccumulator(body)
  }

  /// The name.
  public var configuration: Configuration { ["name": name] }

  /// The registered metric of that name.
  public init(configuration: Configuration) throws {
    let name: String = try configuration.value("name")
    guard let registered = Registry.customMetric(name) else {
      throw StrataError(
        .invalidArgument,
        "Could not interpret metric identifier: \(name). Register it with `Registry.register(metric:)` before loading."
      )
    }
    self = registered
  }
}

extension Metric where Self == CustomMetric {
  /// A metric from your own per-sample function of `(target, prediction)`.
  public static func custom(
    name: String, higherIsBetter: Bool? = nil,
    _ body: @escaping @Sendable (_ target: Tensor, _ prediction: Tensor) -> Tensor
  ) -> CustomMetric {
    CustomMetric(name: name, higherIsBetter: higherIsBetter, body)
  }
}
