/// Keras's `CosineSimilarity` (axis −1): `−Σ ŷ·p̂` with each vector divided by
/// `√max(Σx², 1e-12)`; −1 for vectors pointing the same way, so minimising it aligns them.
public struct CosineSimilarity: Loss {
  /// How a batch's values become its loss (Keras's `reduction`, default
  /// ``LossReduction/sumOverBatchSize``).
  public var reduction: LossReduction

  /// Creates the loss.
  public init(reduction: LossReduction = .sumOverBatchSize) {
    self.reduction = reduction
  }

  /// `cosine_similarity`.
  public var name: String { "cosine_similarity" }

  /// Per-sample values.
  public func values(target: Tensor, prediction: Tensor) -> Tensor {
    func normalized(_ x: Tensor) -> Tensor {
      x / x.square().sum(alongAxis: -1, keepingDims: true).maximum(1e-12).sqrt()
    }
    return -(normalized(target) * normalized(prediction)).sum(alongAxis: -1)
  }

  /// `reduction`.
  public var configuration: Configuration { ["reduction": reduction] }
  /// Rebuilds the loss; a missing `reduction` is Keras's default.
  public init(configuration: Configuration) throws {
    self.init(reduction: try configuration.lossReduction())
  }
}

extension Loss where Self == CosineSimilarity {
  /// The negated cosine of the angle between target and prediction.
  public static var cosineSimilarity: CosineSimilarity { CosineSimilarity() }
}
