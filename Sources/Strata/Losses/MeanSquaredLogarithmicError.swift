/// Keras's `MeanSquaredLogarithmicError`: `mean((log(max(p, ε) + 1) − log(max(y, ε) + 1))²)`
/// over the last axis, ε = 1e-7.
public struct MeanSquaredLogarithmicError: Loss {
  /// Creates the loss.
  public init() {}

  /// `mean_squared_logarithmic_error`.
  public var name: String { "mean_squared_logarithmic_error" }

  /// Per-sample values.
  public func values(target: Tensor, prediction: Tensor) -> Tensor {
    let first = (prediction.maximum(1e-7) + 1).log()
    let second = (target.maximum(1e-7) + 1).log()
    return (first - second).square().mean(alongAxis: -1)
  }

  /// No arguments.
  public var configuration: Configuration { [:] }
  /// Rebuilds the loss.
  public init(configuration: Configuration) {}
}

extension Loss where Self == MeanSquaredLogarithmicError {
  /// The mean squared difference of log(1 + ·) over the last axis.
  public static var meanSquaredLogarithmicError: MeanSquaredLogarithmicError {
    MeanSquaredLogarithmicError()
  }
}
