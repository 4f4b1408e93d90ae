/// The Kullback–Leibler divergence, Keras's `KLDivergence`: `Σ y log(y / p)` over the last
/// axis, with both clipped to `[1e-7, 1]`.
public struct KLDivergence: Loss {
  /// How a batch's values become its loss (Keras's `reduction`, default
  /// ``LossReduction/sumOverBatchSize``).
  public var reduction: LossReduction

  /// Creates the loss.
  public init(reduction: LossReduction = .sumOverBatchSize) {
    self.reduction = reduction
  }

  /// `kl_divergence`.
  public var name: String { "kl_divergence" }

  /// Per-sample values.
  public func values(target: Tensor, prediction: Tensor) -> Tensor {
    let y = target.clipped(lowerBound: lossEpsilon, upperBound: 1)
    let p = prediction.clipped(lowerBound: lossEpsilon, upperBound: 1)
    return (y * (y / p).log()).sum(alongAxis: -1)
  }

  /// `reduction`.
  public var configuration: Configuration { ["reduction": reduction] }
  /// Rebuilds the loss; a missing `reduction` is Keras's default.
  public init(configuration: Configuration) throws {
    self.init(reduction: try configuration.lossReduction())
  }
}

extension Loss where Self == KLDivergence {
  /// `Σ y log(y / p)` over the last axis.
  public static var kullbackLeiblerDivergence: KLDivergence { KLDivergence() }
}
