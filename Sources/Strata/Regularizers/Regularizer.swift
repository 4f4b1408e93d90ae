/// A weight penalty added to the training loss, as Keras's `kernel_regularizer=`.
///
/// Penalties follow Keras: `l1 · Σ|w|` and `l2 · Σw²` (no ½ factor), added once per step at
/// full value (not divided by the batch size) and included in the reported `loss`.
public struct Regularizer: Equatable, CustomStringConvertible, Sendable {
  /// The L1 factor.
  public let l1: Float
  /// The L2 factor.
  public let l2: Float

  /// `l1 · Σ|w|` (Keras's default factor is 0.01).
  public static func l1(_ factor: Float = 0.01) -> Regularizer { Regularizer(l1: factor, l2: 0) }
  /// `l2 · Σw²` (Keras's default factor is 0.01).
  public static func l2(_ factor: Float = 0.01) -> Regularizer { Regularizer(l1: 0, l2: factor) }
  /// `l1 · Σ|w| + l2 · Σw²` (Keras's defaults are 0 and 0).
  public static func l1l2(l1: Float = 0, l2: Float = 0) -> Regularizer {
    Regularizer(l1: l1, l2: l2)
  }

  /// The penalty for `weight`, differentiable.
  public func penalty(_ weight: Tensor) -> Tensor {
    var total: Tensor? = nil
    if l1 != 0 { total = weight.abs().sum() * l1 }
    if l2 != 0 {
      let term = weight.square().sum() * l2
      total = total.map { $0 + term } ?? term
    }
    return total ?? Tensor(0)
  }

  /// Throws unless both factors are finite and non-negative (Keras's check).
  func validate(argument: String) throws {
    for (name, value) in [("l1", l1), ("l2", l2)] where !(value.isFinite && value >= 0) {
      throw StrataError(
        .invalidArgument,
        "Invalid value for argument \(name) of `\(argument)`: expected a non-negative float. Received: \(name)=\(value)"
      )
    }
  }

  /// `L1L2(l1=…, l2=…)`.
  public var description: String { "L1L2(l1=\(l1), l2=\(l2))" }
}
