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

  /// NumPy's `where(condition, a, b)`: `a`'s value where `condition` (broadcast to `a`'s
  /// shape, such as a `[batch, 1]` time-step mask) is non-zero, else `b`'s. The gradient
  /// goes to whichever operand was chosen; the condition is a constant.
  public static func selecting(_ a: Tensor, where condition: Tensor, otherwise b: Tensor)
    -> Tensor
  {
    precondition(
      a.shape == b.shape, "selecting(_:where:otherwise:): shapes \(a.shape) and \(b.shape) differ")
    let chosen = zipScalars(a, condition, op: "selecting") { _, c in c != 0 ? 1 : 0 }
    precondition(
      chosen.shape == a.shape,
      "selecting(_:where:otherwise:): condition \(condition.shape) does not broadcast to \(a.shape)"
    )
    var out = uninitializedScalars(a.scalarCount)
    for i in 0..<out.count { out[i] = chosen.scalars[i] != 0 ? a.scalars[i] : b.scalars[i] }
    return record(Tensor(shape: a.shape, storage: out), inputs: [a, b]) { grad, needs in
      [
        needs[0] ? zipScalars(grad, chosen, op: "selecting") { $1 != 0 ? $0 : 0 } : nil,
        needs[1] ? zipScalars(grad, chosen, op: "selecting") { $1 != 0 ? 0 : $0 } : nil,
      ]
    }
  }

  /// Whether every value is finite (no NaN, no infinity).
  public var isFinite: Bool { scalars.allSatisfy { $0.isFinite } }
}

/// The elementwise maximum of two tensors, broadcasting.
public func maximum(_ a: Tensor, _ b: Tensor) -> Tensor { a.maximum(b) }
/// The elementwise minimum of two tensors, broadcasting.
public func minimum(_ a: Tensor, _ b: Tensor) -> Tensor { a.minimum(b) }
