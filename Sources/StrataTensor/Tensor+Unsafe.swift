extension Tensor {
  /// Calls `body` with the values' storage for reading.
  public func withUnsafeScalars<Result>(
    _ body: (UnsafeBufferPointer<Float>) throws -> Result
  ) rethrows -> Result {
    try scalars.withUnsafeBufferPointer(body)
  }

  /// Calls `body` with the values' storage for in-place writing (copying it first only if it
  /// is shared). The shape does not change. The tensor stops being traced.
  public mutating func withUnsafeMutableScalars<Result>(
    _ body: (inout UnsafeMutableBufferPointer<Float>) throws -> Result
  ) rethrows -> Result {
    trace = nil
    return try scalars.withUnsafeMutableBufferPointer(body)
  }
}
