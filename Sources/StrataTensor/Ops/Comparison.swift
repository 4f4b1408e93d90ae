// Elementwise maximum/minimum (differentiable) and comparisons giving 0/1 masks (constant).

extension Tensor {
  /// The larger of the two values at each position, broadcasting. The gradient goes to the
  /// operand that was larger (to `self` on ties).
  public func maximum(_ other: Tensor) -> Tensor {
    let value = Tensor.zipScalars(self, other, op: "maximum") { Swift.max($0, $1) }
    let (lhs, rhs) = (detached, other.detached)
    return Tensor.record(value, inputs: [self, other]) { grad, needs in
      let mask = Tensor.zipScalars(lhs, rhs, op: "maximum") { $0 >= $1 ? 1 : 0 }
      return [
        needs[0]
          ? Tensor.zipScalars(grad, mask, op: "maximum") { $0 * $1 }.unbroadcast(to: lhs.shape)
          : nil,
        needs[1]
          ? Tensor.zipScalars(grad, mask, op: "maximum") { $0 * (1 - $1) }.unbroadcast(
            to: rhs.shape) : nil,
      ]
    }
  }

  /// The smaller of the two values at each position, broadcasting. The gradient goes to the
  /// operand that was smaller (to `self` on ties).
  public func minimum(_ other: Tensor) -> Tensor {
    let value = Tensor.zipScalars(self, other, op: "minimum") { Swift.min($0, $1) }
    let (lhs, rhs) = (detached, other.detached)
    return Tensor.record(value, inputs: [self, other]) { grad, needs in
      let mask = Tensor.zipScalars(lhs, rhs, op: "minimum") { $0 <= $1 ? 1 : 0 }
      return [
        needs[0]
          ? Tensor.zipScalars(grad, mask, op: "minimum") { $0 * $1 }.unbroadcast(to: lhs.shape)
          : nil,
        needs[1]
          ? Tensor.zipScalars(grad, mask, op: "minimum") { $0 * (1 - $1) }.unbroadcast(
            to: rhs.shape) : nil,
      ]
    }
  }

  /// The larger of each value and a constant.
  public func maximum(_ other: Float) -> Tensor { maximum(Tensor(other)) }
  /// The smaller of each value and a constant.
  public func minimum(_ other: Float) -> Tensor { minimum(Tensor(other)) }

  /// 1 where `self > other`, else 0 (broadcasting; no gradient).
  public func isGreater(than other: Tensor) -> Tensor {
    Tensor.zipScalars(self, other, op: "greater") { $0 > $1 ? 1 : 0 }
  }
  /// 1 where `self >= other`, else 0 (broadcasting; no gradient).
  public func isGreaterOrEqual(to other: Tensor) -> Tensor {
    Tensor.zipScalars(self, other, op: "greaterEqual") { $0 >= $1 ? 1 : 0 }
  }
  /// 1 where `self < other`, else 0 (broadcasting; no gradient).
  public func isLess(than other: Tensor) -> Tensor {
    Tensor.zipScalars(self, other, op: "less") { $0 < $1 ? 1 : 0 }
  }
  /// 1 where `self <= other`, else 0 (broadcasting; no gradient).
  public func isLessOrEqual(to other: Tensor) -> Tensor {
    Tensor.zipScalars(self, other, op: "lessEqual") { $0 <= $1 ? 1 : 0 }
  }
  /// 1 where `self == other`, else 0 (broadcasting; no gradient).
  public func isEqual(to other: Tensor) -> Tensor {
    Tensor.zipScalars(self, other, op: "equal") { $0 == $1 ? 1 : 0 }
  }
  /// 1 where the value is greater than a constant, else 0.
  public func isGreater(than value: Float) -> Tensor { isGreater(than: Tensor(value)) }
  /// 1 where the value is less than a constant, else 0.
  public func isLess(than value: Float) -> Tensor { isLess(than: Tensor(value)) }

  /// Whether every value is finite (no NaN, no infinity).
  public var isFinite: Bool { scalars.allSatisfy { $0.isFinite } }
}

/// The elementwise maximum of two tensors, broadcasting.
public func maximum(_ a: Tensor, _ b: Tensor) -> Tensor { a.maximum(b) }
/// The elementwise minimum of two tensors, broadcasting.
public func minimum(_ a: Tensor, _ b: Tensor) -> Tensor { a.minimum(b) }
