/// Keras's `MeanAbsolutePercentageError`: `100 · mean(|y − p| / max(|y|, ε))` over the last
/// axis, ε = 1e-7.
public struct MeanAbsolutePercentageError: Loss {
  /// How a batch's values become its loss (Keras's `reduction`, default
  /// ``LossReduction/sumOverBatchSize``).
  public var reduction: LossReduction

  /// Creates the loss.
  public init(reduction: LossReduction = .sumOverBatchSize) {
    self.reduction = reduction
  }

  /// `mean_absolute_percentage_error`.
  public var name: String { "mean_absolute_percentage_error" }

  /// Per-sample values.
  public func values(target: Tensor, prediction: Tensor) -> Tensor {
    ((target - prediction) / target.abs().maximum(1e-7)).abs().mean(alongAxis: -1) * 100
  }

  /// `reduction`.
  public var configuration: Configuration { ["reduction": reduction] }
  /// Rebuilds the loss; a missing `reduction` is Keras's default.
  public init(configuration: Configuration) throws {
    self.init(reduction: try configuration.lossReduction())
  }
}

extension Loss where Self == MeanAbsolutePercentageError {
  /// The mean absolute error in percent of the target, over the last axis.
  public static var meanAbsolutePercentageError: MeanAbsolutePercentageError {
    MeanAbsolutePercentageError()
  }
}
