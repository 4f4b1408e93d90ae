/// `mean(|y − p|)` over the last axis, Keras's `MeanAbsoluteError`.
public struct MeanAbsoluteError: Loss {
  /// How a batch's values become its loss (Keras's `reduction`, default
  /// ``LossReduction/sumOverBatchSize``).
  public var reduction: LossReduction

  /// Creates the loss.
  public init(reduction: LossReduction = .sumOverBatchSize) {
    self.reduction = reduction
  }

  /// `mean_absolute_error`.
  public var name: String { "mean_absolute_error" }

  /// Per-sample values.
  public func values(target: Tensor, prediction: Tensor) -> Tensor {
    (target - prediction).abs().mean(alongAxis: -1)
  }

  /// `reduction`.
  public var configuration: Configuration { ["reduction": reduction] }
  /// Rebuilds the loss; a missing `reduction` is Keras's default.
  public init(configuration: Configuration) throws {
    self.init(reduction: try configuration.lossReduction())
  }
}

extension Loss where Self == MeanAbsoluteError {
  /// `mean(|y − p|)` over the last axis.
  public static var meanAbsoluteError: MeanAbsoluteError { MeanAbsoluteError() }
}
