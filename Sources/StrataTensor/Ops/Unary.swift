import Foundation

// Elementwise math functions and their derivatives.

extension Tensor {
  /// eˣ elementwise.
  public func exp() -> Tensor {
    let value = expValues()
    guard isTraced else { return value }
    let output = value.detached
    return Tensor.record(value, input: self) { grad in
      Tensor.zipScalars(grad, output, op: "exp") { $0 * $1 }
    }
  }

  /// The natural logarithm elementwise.
  public func log() -> Tensor {
    let value = logValues()
    guard isTraced else { return value }
    let operand = detached
    return Tensor.record(value, input: self) { grad in
      Tensor.zipScalars(grad, operand, op: "log") { $0 * (1 / $1) }
    }
  }

  /// The square root elementwise.
  public func sqrt() -> Tensor {
    let value = mapScalars(Foundation.sqrt)
    guard isTraced else { return value }
    let operand = value.detached
    return Tensor.record(value, input: self) { grad in
      Tensor.zipScalars(grad, operand, op: "sqrt") { $0 * (0.5 / $1) }
    }
  }

  /// x² elementwise.
  public func square() -> Tensor {
    let value = mapScalars { $0 * $0 }
    guard isTraced else { return value }
    let input = detached
    return Tensor.record(value, input: self) { grad in
      Tensor.zipScalars(grad, input, op: "square") { $0 * (2 * $1) }
    }
  }

  /// xᵖ elementwise, for a constant exponent.
  public func pow(_ exponent: Float) -> Tensor {
    let value = mapScalars { Foundation.pow($0, exponent) }
    guard isTraced else { return value }
    let operand = detached
    return Tensor.record(value, input: self) { grad in
      Tensor.zipScalars(grad, operand, op: "pow") {
        $0 * (exponent * Foundation.pow($1, exponent - 1))
      }
    }
  }

  /// |x| elementwise. The derivative is 1 for x ≥ 0 (at 0 and −0 too) and −1 below, as JAX
  /// takes it (`jax.grad(jnp.abs)(0.)` is 1.0): Keras on JAX computes the L1 penalty with
  /// `ops.absolute`, so a weight at exactly 0 under L1 moves on the first step. (TensorFlow
  /// and PyTorch take 0 there.)
  public func abs() -> Tensor {
    let value = mapScalars(Swift.abs)
    guard isTraced else { return value }
    let operand = detached
    return Tensor.record(value, input: self) { grad in
      Tensor.zipScalars(grad, operand, op: "abs") { $0 * ($1 >= 0 ? 1 : -1) }
    }
  }

  /// −1, 0 or 1 by the sign of each value; its gradient is zero.
  public func sign() -> Tensor {
    mapScalars { $0 > 0 ? 1 : ($0 < 0 ? -1 : 0) }
  }

  /// Values limited to `[lowerBound, upperBound]`; the gradient passes only where the value
  /// was inside the range.
  public func clipped(lowerBound: Float, upperBound: Float) -> Tensor {
    let value = mapScalars { Swift.min(Swift.max($0, lowerBound), upperBound) }
    guard isTraced else { return value }
    let operand = detached
    return Tensor.record(value, input: self) { grad in
      Tensor.zipScalars(grad, operand, op: "clipped") {
        $0 * ($1 >= lowerBound && $1 <= upperBound ? 1 : 0)
      }
    }
  }
}

/// eˣ elementwise.
public func exp(_ x: Tensor) -> Tensor { x.exp() }
/// The natural logarithm elementwise.
public func log(_ x: Tensor) -> Tensor { x.log() }
/// The square root elementwise.
public func sqrt(_ x: Tensor) -> Tensor { x.sqrt() }
/// |x| elementwise.
public func abs(_ x: Tensor) -> Tensor { x.abs() }
