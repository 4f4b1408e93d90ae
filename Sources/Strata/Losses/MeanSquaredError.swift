/// `mean((y − p)²)` over the last axis, Keras's `MeanSquaredError`.
public struct MeanSquaredError: Loss {
  /// How a batch's values become its loss (Keras's `reduction`, default
  /// ``LossReduction/sumOverBatchSize``).
  public var reduction: LossReduction

  /// Creates the loss.
  public init(reduction: LossReduction = .sumOverBatchSize) {
    self.reduction = reduction
  }

  /// `mean_squared_error`.
  public var name: String { "mean_squared_error" }

  /// Per-sample values.
  public func values(target: Tensor, prediction: Tensor) -> Tensor {
    (target - prediction).square().mean(alongAxis: -1)
  }

  /// `reduction`.
  public var configuration: Configuration { ["reduction": reduction] }
  /// Rebuilds the loss; a missing `reduction` is Keras's default.
  public init(configuration: Configuration) throws {
    self.init(reduction: try configuration.lossReduction())
  }
}

extension Loss where Self == MeanSquaredError {
  /// `mean((y − p)²)` over the last axis.
  public static var meanSquaredError: MeanSquaredError { MeanSquaredError() }
}
