/// Keras's `SquaredHinge`: `mean(max(1 − y·p, 0)²)` over the last axis; 0/1 labels are
/// first mapped to −1/1.
public struct SquaredHinge: Loss {
  /// Creates the loss.
  public init() {}

  /// `squared_hinge`.
  public var name: String { "squared_hinge" }

  /// Per-sample values.
  public func values(target: Tensor, prediction: Tensor) -> Tensor {
    (1 - hingeLabels(target) * prediction).maximum(0).square().mean(alongAxis: -1)
  }

  /// No arguments.
  public var configuration: Configuration { [:] }
  /// Rebuilds the loss.
  public init(configuration: Configuration) {}
}

extension Loss where Self == SquaredHinge {
  /// The mean squared hinge over the last axis.
  public static var squaredHinge: SquaredHinge { SquaredHinge() }
}
