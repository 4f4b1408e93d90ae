import Foundation

// Elementwise math functions and their derivatives.

extension Tensor {
  /// A unary op whose derivative is computed from the input and output values.
  @inline(__always)
  func unaryOp(
    _ f: (Float) -> Float, derivative: @escaping (_ x: Float, _ y: Float) -> Float
  ) -> Tensor {
    let value = mapScalars(f)
    guard isTraced else { return value }
    let input = detached
    let output = value.detached
    return Tensor.record(value, input: self) { grad in
      let local = Tensor.zipScalars(input, output, op: "derivative", derivative)
      return Tensor.zipScalars(grad, local, op: "multiply") { $0 * $1 }
    }
  }

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
  public func log() -> Tensor { unaryOp(Foundation.log) { x, _ in 1 / x } }

  /// The square root elementwise.
  public func sqrt() -> Tensor { unaryOp(Foundation.sqrt) { _, y in 0.5 / y } }

  /// x² elementwise.
  public func square() -> Tensor { unaryOp({ $0 * $0 }) { x, _ in 2 * x } }

  /// xᵖ elementwise, for a constant exponent.
  public func pow(_ exponent: Float) -> Tensor {
    unaryOp({ Foundation.pow($0, exponent) }) { x, _ in exponent * Foundation.pow(x, exponent - 1) }
  }

  /// |x| elementwise; the derivative at 0 is taken as 0 (as TensorFlow and JAX do).
  public func abs() -> Tensor {
    unaryOp(Swift.abs) { x, _ in x > 0 ? 1 : (x < 0 ? -1 : 0) }
  }

  /// −1, 0 or 1 by the sign of each value; its gradient is zero.
  public func sign() -> Tensor {
    mapScalars { $0 > 0 ? 1 : ($0 < 0 ? -1 : 0) }
  }

  /// Values limited to `[lowerBound, upperBound]`; the gradient passes only where the value
  /// was inside the range.
  public func clipped(lowerBound: Float, upperBound: Float) -> Tensor {
    unaryOp({ Swift.min(Swift.max($0, lowerBound), upperBound) }) { x, _ in
      x >= lowerBound && x <= upperBound ? 1 : 0
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
