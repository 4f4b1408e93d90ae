/// Keras's `CategoricalHinge`: `max(max((1 − y)·p) − Σ y·p + 1, 0)` per sample, over the last
/// axis of one-hot targets.
public struct CategoricalHinge: Loss {
  /// How a batch's values become its loss (Keras's `reduction`, default
  /// ``LossReduction/sumOverBatchSize``).
  public var reduction: LossReduction

  /// Creates the loss.
  public init(reduction: LossReduction = .sumOverBatchSize) {
    self.reduction = reduction
  }

  /// `categorical_hinge`.
  public var name: String { "categorical_hinge" }

  /// Per-sample values.
  public func values(target: Tensor, prediction: Tensor) -> Tensor {
    let positive = (target * prediction).sum(alongAxis: -1)
    let negative = ((1 - target) * prediction).max(alongAxis: -1)
    return (negative - positive + 1).maximum(0)
  }

  /// `reduction`.
  public var configuration: Configuration { ["reduction": reduction] }
  /// Rebuilds the loss; a missing `reduction` is Keras's default.
  public init(configuration: Configuration) throws {
    self.init(reduction: try configuration.lossReduction())
  }
}

extension Loss where Self == CategoricalHinge {
  /// The hinge between the true class and the best other one.
  public static var categoricalHinge: CategoricalHinge { CategoricalHinge() }
}
