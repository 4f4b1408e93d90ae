/// The arithmetic an optimizer rule needs, on one `Float` or on eight at once.
///
/// Update rules are written once, generic over `Lanes`, and run on `SIMD8<Float>` for the bulk
/// of a weight and on `Float` for the tail, so every optimizer step is a single vectorised
/// pass over its buffers.
protocol Lanes {
  init(broadcasting value: Float)
  static func + (lhs: Self, rhs: Self) -> Self
  static func - (lhs: Self, rhs: Self) -> Self
  static func * (lhs: Self, rhs: Self) -> Self
  static func / (lhs: Self, rhs: Self) -> Self
  func squareRootOfLanes() -> Self
  func maximumOfLanes(_ other: Self) -> Self
  func magnitudeOfLanes() -> Self
  func clampedOfLanes(_ low: Self, _ high: Self) -> Self
  static func load(_ pointer: UnsafeMutablePointer<Float>) -> Self
  static func load(_ pointer: UnsafePointer<Float>) -> Self
  func store(_ pointer: UnsafeMutablePointer<Float>)
  static var width: Int { get }
}

extension Float: Lanes {
  @inline(__always) init(broadcasting value: Float) { self = value }
  @inline(__always) func squareRootOfLanes() -> Float { squareRoot() }
  @inline(__always) func maximumOfLanes(_ other: Float) -> Float { Swift.max(self, other) }
  @inline(__always) func magnitudeOfLanes() -> Float { Swift.abs(self) }
  @inline(__always) func clampedOfLanes(_ low: Float, _ high: Float) -> Float {
    Swift.min(Swift.max(self, low), high)
  }
  @inline(__always) static func load(_ pointer: UnsafeMutablePointer<Float>) -> Float {
    pointer.pointee
  }
  @inline(__always) static func load(_ pointer: UnsafePointer<Float>) -> Float { pointer.pointee }
  @inline(__always) func store(_ pointer: UnsafeMutablePointer<Float>) { pointer.pointee = self }
  @inline(__always) static var width: Int { 1 }
}

extension SIMD8: Lanes where Scalar == Float {
  @inline(__always) init(broadcasting value: Float) { self.init(repeating: value) }
  @inline(__always) func squareRootOfLanes() -> SIMD8<Float> { squareRoot() }
  @inline(__always) func maximumOfLanes(_ other: SIMD8<Float>) -> SIMD8<Float> {
    pointwiseMax(self, other)
  }
  @inline(__always) func magnitudeOfLanes() -> SIMD8<Float> { pointwiseMax(self, -self) }
  @inline(__always) func clampedOfLanes(_ low: SIMD8<Float>, _ high: SIMD8<Float>) -> SIMD8<Float> {
    pointwiseMin(pointwiseMax(self, low), high)
  }
  @inline(__always) static func load(_ pointer: UnsafeMutablePointer<Float>) -> SIMD8<Float> {
    UnsafeRawPointer(pointer).loadUnaligned(as: SIMD8<Float>.self)
  }
  @inline(__always) static func load(_ pointer: UnsafePointer<Float>) -> SIMD8<Float> {
    UnsafeRawPointer(pointer).loadUnaligned(as: SIMD8<Float>.self)
  }
  @inline(__always) func store(_ pointer: UnsafeMutablePointer<Float>) {
    UnsafeMutableRawPointer(pointer).storeBytes(of: self, as: SIMD8<Float>.self)
  }
  @inline(__always) static var width: Int { 8 }
}

/// Calls `body(offset, Lanes type)` over `0..<count`: eight values at a time, then one at a
/// time for the tail. The body loads, updates and stores its buffers at `offset`.
@inline(__always)
func forEachLane(
  _ count: Int, wide: (Int) -> Void, narrow: (Int) -> Void
) {
  var i = 0
  while i + 8 <= count {
    wide(i)
    i += 8
  }
  while i < count {
    narrow(i)
    i += 1
  }
}
