/// Keras's `Poisson`: `mean(p − y · log(p + ε))` over the last axis, ε = 1e-7.
public struct Poisson: Loss {
  /// Creates the loss.
  public init() {}

  /// `poisson`.
  public var name: String { "poisson" }

  /// Per-sample values.
  public func values(target: Tensor, prediction: Tensor) -> Tensor {
    (prediction - target * (prediction + 1e-7).log()).mean(alongAxis: -1)
  }

  /// No arguments.
  public var configuration: Configuration { [:] }
  /// Rebuilds the loss.
  public init(configuration: Configuration) {}
}

extension Loss where Self == Poisson {
  /// The Poisson negative log-likelihood (up to a constant) over the last axis.
  public static var poisson: Poisson { Poisson() }
}
