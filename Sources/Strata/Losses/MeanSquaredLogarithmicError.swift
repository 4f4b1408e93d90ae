/// Keras's `MeanSquaredLogarithmicError`: `mean((log(max(p, ε) + 1) − log(max(y, ε) + 1))²)`
/// over the last axis, ε = 1e-7.
public struct MeanSquaredLogarithmicError: Loss {
  /// How a batch's values become its loss (Keras's `reduction`, default
  /// ``LossReduction/sumOverBatchSize``).
  public var reduction: LossReduction

  /// Creates the loss.
  public init(reduction: LossReduction = .sumOverBatchSize) {
    self.reduction = reduction
  }

  /// `mean_squared_logarithmic_error`.
  public var name: String { "mean_squared_logarithmic_error" }

  /// Per-sample values.
  public func values(target: Tensor, prediction: Tensor) -> Tensor {
    let first = (prediction.maximum(1e-7) + 1).log()
    let second = (target.maximum(1e-7) + 1).log()
    return (first - second).square().mean(alongAxis: -1)
  }

  /// `reduction`.
  public var configuration: Configuration { ["reduction": reduction] }
  /// Rebuilds the loss; a missing `reduction` is Keras's default.
  public init(configuration: Configuration) throws {
    self.init(reduction: try configuration.lossReduction())
  }
}

extension Loss where Self == MeanSquaredLogarithmicError {
  /// The mean squared difference of log(1 + ·) over the last axis.
  public static var meanSquaredLogarithmicError: MeanSquaredLogarithmicError {
    MeanSquaredLogarithmicError()
  }
}
