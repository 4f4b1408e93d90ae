/// A size or step per spatial axis — a kernel size, strides, a dilation rate, a pool size —
/// written `3` (the same on every axis) or `[3, 3]` (one per axis), as Keras takes `3` or
/// `(3, 3)`.
///
/// ```swift
/// Conv2D(filters: 32, kernelSize: 3)
/// Conv2D(filters: 64, kernelSize: [3, 5], strides: [2, 1])
/// ```
public struct SpatialSize: Equatable, Sendable, ExpressibleByIntegerLiteral,
  ExpressibleByArrayLiteral, CustomStringConvertible
{
  /// The values as written: one (for every axis) or one per axis.
  public let values: [Int]

  /// The same size on every axis.
  public init(_ value: Int) {
    values = [value]
  }

  /// One size per axis.
  public init(_ values: [Int]) {
    self.values = values
  }

  /// The same size on every axis: `kernelSize: 3`.
  public init(integerLiteral value: Int) {
    self.init(value)
  }

  /// One size per axis: `kernelSize: [3, 3]`.
  public init(arrayLiteral elements: Int...) {
    self.init(elements)
  }

  /// The sizes for `count` axes: a single value repeated, or the values as given (whose count
  /// the layer checks).
  func resolved(_ count: Int) -> [Int] {
    values.count == 1 ? [Int](repeating: values[0], count: count) : values
  }

  /// `3` or `[3, 5]`.
  public var description: String {
    values.count == 1 ? "\(values[0])" : "\(values)"
  }
}

extension SpatialSize: ConfigurationRepresentable {
  /// The values as a list, as Keras saves `(3, 3)`.
  public var configurationValue: ConfigurationValue { values.configurationValue }

  /// Reads an integer or a list of integers.
  public init(configurationValue value: ConfigurationValue) throws {
    if case .array = value {
      self.init(try [Int](configurationValue: value))
    } else {
      self.init(try Int(configurationValue: value))
    }
  }
}
