/// Keras's `SquaredHinge`: `mean(max(1 − y·p, 0)²)` over the last axis; 0/1 labels are
/// first mapped to −1/1.
public struct SquaredHinge: Loss {
  /// How a batch's values become its loss (Keras's `reduction`, default
  /// ``LossReduction/sumOverBatchSize``).
  public var reduction: LossReduction

  /// Creates the loss.
  public init(reduction: LossReduction = .sumOverBatchSize) {
    self.reduction = reduction
  }

  /// `squared_hinge`.
  public var name: String { "squared_hinge" }

  /// Per-sample values.
  public func values(target: Tensor, prediction: Tensor) -> Tensor {
    (1 - hingeLabels(target) * prediction).maximum(0).square().mean(alongAxis: -1)
  }

  /// `reduction`.
  public var configuration: Configuration { ["reduction": reduction] }
  /// Rebuilds the loss; a missing `reduction` is Keras's default.
  public init(configuration: Configuration) throws {
    self.init(reduction: try configuration.lossReduction())
  }
}

extension Loss where Self == SquaredHinge {
  /// The mean squared hinge over the last axis.
  public static var squaredHinge: SquaredHinge { SquaredHinge() }
}
