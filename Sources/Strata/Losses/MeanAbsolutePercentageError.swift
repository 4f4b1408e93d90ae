/// Keras's `MeanAbsolutePercentageError`: `100 · mean(|y − p| / max(|y|, ε))` over the last
/// axis, ε = 1e-7.
public struct MeanAbsolutePercentageError: Loss {
  /// Creates the loss.
  public init() {}

  /// `mean_absolute_percentage_error`.
  public var name: String { "mean_absolute_percentage_error" }

  /// Per-sample values.
  public func values(target: Tensor, prediction: Tensor) -> Tensor {
    ((target - prediction) / target.abs().maximum(1e-7)).abs().mean(alongAxis: -1) * 100
  }

  /// No arguments.
  public var configuration: Configuration { [:] }
  /// Rebuilds the loss.
  public init(configuration: Configuration) {}
}

extension Loss where Self == MeanAbsolutePercentageError {
  /// The mean absolute error in percent of the target, over the last axis.
  public static var meanAbsolutePercentageError: MeanAbsolutePercentageError {
    MeanAbsolutePercentageError()
  }
}
