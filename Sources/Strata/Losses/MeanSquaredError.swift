/// `mean((y − p)²)` over the last axis, Keras's `MeanSquaredError`.
public struct MeanSquaredError: Loss {
  /// Creates the loss.
  public init() {}

  /// `mean_squared_error`.
  public var name: String { "mean_squared_error" }

  /// Per-sample values.
  public func values(target: Tensor, prediction: Tensor) -> Tensor {
    (target - prediction).square().mean(alongAxis: -1)
  }

  /// No arguments.
  public var configuration: Configuration { [:] }
  /// Rebuilds the loss.
  public init(configuration: Configuration) {}
}

extension Loss where Self == MeanSquaredError {
  /// `mean((y − p)²)` over the last axis.
  public static var meanSquaredError: MeanSquaredError { MeanSquaredError() }
}
