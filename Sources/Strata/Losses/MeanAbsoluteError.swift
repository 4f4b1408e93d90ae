/// `mean(|y − p|)` over the last axis, Keras's `MeanAbsoluteError`.
public struct MeanAbsoluteError: Loss {
  /// Creates the loss.
  public init() {}

  /// `mean_absolute_error`.
  public var name: String { "mean_absolute_error" }

  /// Per-sample values.
  public func values(target: Tensor, prediction: Tensor) -> Tensor {
    (target - prediction).abs().mean(alongAxis: -1)
  }

  /// No arguments.
  public var configuration: Configuration { [:] }
  /// Rebuilds the loss.
  public init(configuration: Configuration) {}
}

extension Loss where Self == MeanAbsoluteError {
  /// `mean(|y − p|)` over the last axis.
  public static var meanAbsoluteError: MeanAbsoluteError { MeanAbsoluteError() }
}
