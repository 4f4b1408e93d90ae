extension Tensor {
  /// A tensor of the given shape filled with zeros.
  public static func zeros(_ shape: [Int]) -> Tensor {
    Tensor(shape: shape, scalars: [Float](repeating: 0, count: shape.reduce(1, *)))
  }

  /// A tensor of the given shape filled with ones.
  public static func ones(_ shape: [Int]) -> Tensor {
    full(shape, value: 1)
  }

  /// A tensor of the given shape with every value equal to `value`.
  public static func full(_ shape: [Int], value: Float) -> Tensor {
    Tensor(shape: shape, scalars: [Float](repeating: value, count: shape.reduce(1, *)))
  }

  /// A tensor of zeros with the shape of `other`.
  public static func zeros(like other: Tensor) -> Tensor { zeros(other.shape) }

  /// A tensor of ones with the shape of `other`.
  public static func ones(like other: Tensor) -> Tensor { ones(other.shape) }

  /// The `size × size` identity matrix (NumPy's `eye`).
  public static func eye(_ size: Int) -> Tensor {
    var result = zeros([size, size])
    for i in 0..<size { result.scalars[i * size + i] = 1 }
    return result
  }

  /// `count` evenly spaced values from `start` to `end`, both included (NumPy's `linspace`).
  public static func linspace(from start: Float, to end: Float, count: Int) -> Tensor {
    precondition(count >= 0, "Tensor.linspace: count must not be negative, got \(count)")
    if count == 1 { return Tensor([start]) }
    let step = (end - start) / Float(Swift.max(count - 1, 1))
    return Tensor((0..<count).map { start + Float($0) * step })
  }

  /// Values from `start` up to, not including, `end` in steps of `step` (NumPy's `arange`).
  public static func arange(from start: Float = 0, to end: Float, step: Float = 1) -> Tensor {
    precondition(step != 0, "Tensor.arange: step must not be zero")
    let count = Swift.max(0, Int(((end - start) / step).rounded(.up)))
    return Tensor((0..<count).map { start + Float($0) * step })
  }
}
