import Foundation

// Addition, subtraction, multiplication and division with NumPy broadcasting, and their
// gradients: each operand's gradient is summed back over the axes it was broadcast along.

extension Tensor {
  /// `self + other`, broadcasting; the gradient flows unchanged to both operands.
  public func adding(_ other: Tensor) -> Tensor {
    let value = Tensor.zipScalars(self, other, op: "add") { $0 + $1 }
    let (ls, rs) = (shape, other.shape)
    return Tensor.record(value, inputs: [self, other]) { grad, needs in
      [needs[0] ? grad.unbroadcast(to: ls) : nil, needs[1] ? grad.unbroadcast(to: rs) : nil]
    }
  }

  /// `self - other`, broadcasting.
  public func subtracting(_ other: Tensor) -> Tensor {
    let value = Tensor.zipScalars(self, other, op: "subtract") { $0 - $1 }
    let (ls, rs) = (shape, other.shape)
    return Tensor.record(value, inputs: [self, other]) { grad, needs in
      [
        needs[0] ? grad.unbroadcast(to: ls) : nil,
        needs[1] ? grad.mapScalars { -$0 }.unbroadcast(to: rs) : nil,
      ]
    }
  }

  /// `self * other` elementwise, broadcasting.
  public func multiplying(_ other: Tensor) -> Tensor {
    let value = Tensor.zipScalars(self, other, op: "multiply") { $0 * $1 }
    let (lhs, rhs) = (detached, other.detached)
    return Tensor.record(value, inputs: [self, other]) { grad, needs in
      [
        needs[0]
          ? Tensor.zipScalars(grad, rhs, op: "multiply") { $0 * $1 }.unbroadcast(to: lhs.shape)
          : nil,
        needs[1]
          ? Tensor.zipScalars(grad, lhs, op: "multiply") { $0 * $1 }.unbroadcast(to: rhs.shape)
          : nil,
      ]
    }
  }

  /// `self / other` elementwise, broadcasting.
  public func dividing(by other: Tensor) -> Tensor {
    let value = Tensor.zipScalars(self, other, op: "divide") { $0 / $1 }
    let (lhs, rhs) = (detached, other.detached)
    return Tensor.record(value, inputs: [self, other]) { grad, needs in
      var result: [Tensor?] = [nil, nil]
      if needs[0] {
        result[0] = Tensor.zipScalars(grad, rhs, op: "divide") { $0 / $1 }.unbroadcast(
          to: lhs.shape)
      }
      if needs[1] {
        // d(a/b)/db = -a/b² = -(a/b)/b
        let quotient = Tensor.zipScalars(lhs, rhs, op: "divide") { $0 / $1 }
        let scaled = Tensor.zipScalars(grad, quotient, op: "multiply") { $0 * $1 }
        result[1] = Tensor.zipScalars(scaled, rhs, op: "divide") { -$0 / $1 }.unbroadcast(
          to: rhs.shape)
      }
      return result
    }
  }

  /// Every value multiplied by a constant.
  public func scaled(by factor: Float) -> Tensor {
    let value = mapScalars { $0 * factor }
    return Tensor.record(value, input: self) { grad in grad.mapScalars { $0 * factor } }
  }

  /// A constant added to every value.
  public func shifted(by amount: Float) -> Tensor {
    Tensor.record(mapScalars { $0 + amount }, input: self) { $0 }
  }

  /// Elementwise sum, broadcasting: `a + b`.
  public static func + (lhs: Tensor, rhs: Tensor) -> Tensor { lhs.adding(rhs) }
  /// Elementwise difference, broadcasting: `a - b`.
  public static func - (lhs: Tensor, rhs: Tensor) -> Tensor { lhs.subtracting(rhs) }
  /// Elementwise product, broadcasting: `a * b`.
  public static func * (lhs: Tensor, rhs: Tensor) -> Tensor { lhs.multiplying(rhs) }
  /// Elementwise quotient, broadcasting: `a / b`.
  public static func / (lhs: Tensor, rhs: Tensor) -> Tensor { lhs.dividing(by: rhs) }

  /// Adds a scalar to every value.
  public static func + (lhs: Tensor, rhs: Float) -> Tensor { lhs.shifted(by: rhs) }
  /// Adds a scalar to every value.
  public static func + (lhs: Float, rhs: Tensor) -> Tensor { rhs.shifted(by: lhs) }
  /// Subtracts a scalar from every value.
  public static func - (lhs: Tensor, rhs: Float) -> Tensor { lhs.shifted(by: -rhs) }
  /// Subtracts every value from a scalar.
  public static func - (lhs: Float, rhs: Tensor) -> Tensor { rhs.scaled(by: -1).shifted(by: lhs) }
  /// Multiplies every value by a scalar.
  public static func * (lhs: Tensor, rhs: Float) -> Tensor { lhs.scaled(by: rhs) }
  /// Multiplies every value by a scalar.
  public static func * (lhs: Float, rhs: Tensor) -> Tensor { rhs.scaled(by: lhs) }
  /// Divides every value by a scalar.
  public static func / (lhs: Tensor, rhs: Float) -> Tensor { lhs.scaled(by: 1 / rhs) }
  /// Divides a scalar by every value.
  public static func / (lhs: Float, rhs: Tensor) -> Tensor { Tensor(lhs).dividing(by: rhs) }
  /// Negates every value.
  public static prefix func - (operand: Tensor) -> Tensor { operand.scaled(by: -1) }

  /// In-place elementwise sum.
  public static func += (lhs: inout Tensor, rhs: Tensor) { lhs = lhs.adding(rhs) }
  /// In-place elementwise difference.
  public static func -= (lhs: inout Tensor, rhs: Tensor) { lhs = lhs.subtracting(rhs) }
  /// In-place elementwise product.
  public static func *= (lhs: inout Tensor, rhs: Tensor) { lhs = lhs.multiplying(rhs) }
  /// In-place scaling by a scalar.
  public static func *= (lhs: inout Tensor, rhs: Float) { lhs = lhs.scaled(by: rhs) }
}
