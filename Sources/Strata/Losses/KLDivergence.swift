/// The Kullback–Leibler divergence, Keras's `KLDivergence`: `Σ y log(y / p)` over the last
/// axis, with both clipped to `[1e-7, 1]`.
public struct KLDivergence: Loss {
  /// Creates the loss.
  public init() {}

  /// `kl_divergence`.
  public var name: String { "kl_divergence" }

  /// Per-sample values.
  public func values(target: Tensor, prediction: Tensor) -> Tensor {
    let y = target.clipped(lowerBound: lossEpsilon, upperBound: 1)
    let p = prediction.clipped(lowerBound: lossEpsilon, upperBound: 1)
    return (y * (y / p).log()).sum(alongAxis: -1)
  }

  /// No arguments.
  public var configuration: Configuration { [:] }
  /// Rebuilds the loss.
  public init(configuration: Configuration) {}
}

extension Loss where Self == KLDivergence {
  /// `Σ y log(y / p)` over the last axis.
  public static var kullbackLeiblerDivergence: KLDivergence { KLDivergence() }
}
