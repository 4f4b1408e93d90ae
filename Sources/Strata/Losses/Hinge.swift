/// The hinge loss, Keras's `Hinge`: `mean(max(1 − y·p, 0))` over the last axis; 0/1 labels are
/// first mapped to −1/1.
public struct Hinge: Loss {
  /// How a batch's values become its loss (Keras's `reduction`, default
  /// ``LossReduction/sumOverBatchSize``).
  public var reduction: LossReduction

  /// Creates the loss.
  public init(reduction: LossReduction = .sumOverBatchSize) {
    self.reduction = reduction
  }

  /// `hinge`.
  public var name: String { "hinge" }

  /// Per-sample values.
  public func values(target: Tensor, prediction: Tensor) -> Tensor {
    (1 - hingeLabels(target) * prediction).maximum(0).mean(alongAxis: -1)
  }

  /// `reduction`.
  public var configuration: Configuration { ["reduction": reduction] }
  /// Rebuilds the loss; a missing `reduction` is Keras's default.
  public init(configuration: Configuration) throws {
    self.init(reduction: try configuration.lossReduction())
  }
}

extension Loss where Self == Hinge {
  /// `mean(max(1 − y·p, 0))` over the last axis.
  public static var hinge: Hinge { Hinge() }
}

/// Targets for a hinge loss: 0/1 labels mapped to −1/1 (Keras's
/// `convert_binary_labels_to_hinge`), other targets as they are.
func hingeLabels(_ target: Tensor) -> Tensor {
  target.scalars.allSatisfy { $0 == 0 || $0 == 1 } ? target * 2 - 1 : target
}
