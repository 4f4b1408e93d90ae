/// Keras's `Poisson`: `mean(p − y · log(p + ε))` over the last axis, ε = 1e-7.
public struct Poisson: Loss {
  /// How a batch's values become its loss (Keras's `reduction`, default
  /// ``LossReduction/sumOverBatchSize``).
  public var reduction: LossReduction

  /// Creates the loss.
  public init(reduction: LossReduction = .sumOverBatchSize) {
    self.reduction = reduction
  }

  /// `poisson`.
  public var name: String { "poisson" }

  /// Per-sample values.
  public func values(target: Tensor, prediction: Tensor) -> Tensor {
    (prediction - target * (prediction + 1e-7).log()).mean(alongAxis: -1)
  }

  /// `reduction`.
  public var configuration: Configuration { ["reduction": reduction] }
  /// Rebuilds the loss; a missing `reduction` is Keras's default.
  public init(configuration: Configuration) throws {
    self.init(reduction: try configuration.lossReduction())
  }
}

extension Loss where Self == Poisson {
  /// The Poisson negative log-likelihood (up to a constant) over the last axis.
  public static var poisson: Poisson { Poisson() }
}
