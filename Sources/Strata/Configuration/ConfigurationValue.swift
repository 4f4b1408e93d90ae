/// One value of a configuration: what JSON can hold, with integers kept apart from other
/// numbers so that they survive a round trip exactly.
///
/// Configurations are how layers, optimizers, losses, metrics, activations, initializers,
/// regularizers and schedules describe themselves (Keras's `get_config`); model files store
/// them as JSON.
public enum ConfigurationValue: Equatable, Sendable, CustomStringConvertible {
  /// JSON's `null`: an absent optional argument.
  case null
  /// `true` or `false`.
  case bool(Bool)
  /// A whole number written without a fraction or exponent.
  case integer(Int)
  /// Any other (finite) number.
  case number(Double)
  /// A string.
  case string(String)
  /// An ordered list.
  case array([ConfigurationValue])
  /// Named values: a nested configuration.
  case object(Configuration)

  /// The value as compact JSON with sorted keys, e.g. `{"rate":0.5}`.
  public var description: String {
    (try? JSON.encode(self)) ?? "<not representable as JSON>"
  }

  /// What kind of value this is, for error messages: `an integer (3)`.
  var summary: String {
    let text = description
    let shown = text.count > 60 ? String(text.prefix(57)) + "..." : text
    switch self {
    case .null: return "null"
    case .bool: return "a boolean (\(shown))"
    case .integer: return "an integer (\(shown))"
    case .number: return "a number (\(shown))"
    case .string: return "a string (\(shown))"
    case .array: return "an array (\(shown))"
    case .object: return "an object (\(shown))"
    }
  }
}

extension ConfigurationValue {
  /// The name and arguments of a value saved the way Keras saves activations, initializers
  /// and regularizers: a bare name (`"relu"`) or `{"class_name": name, "config": arguments}`.
  /// `expected` says what it should be, for the error.
  func nameAndArguments(expected: String) throws -> (name: String, arguments: Configuration) {
    switch self {
    case .string(let name): return (name, Configuration())
    case .object(let reference):
      return (
        try reference.value("class_name"),
        try reference.value("config", default: Configuration())
      )
    default: throw unexpected(self, expected: expected)
    }
  }
}

/// A type whose values can be written into a configuration and read back: numbers, strings,
/// booleans, arrays and optionals of them, and Strata's activations, initializers and
/// regularizers.
///
/// Reading checks what it finds: `Int` refuses `2.5` and `1e20`, `Float` refuses numbers beyond
/// its range, so a value read from a file can never trap a conversion.
public protocol ConfigurationRepresentable {
  /// This value as a configuration value.
  var configurationValue: ConfigurationValue { get }
  /// Reads a value, throwing a ``StrataError`` that says what was expected and what was found.
  init(configurationValue: ConfigurationValue) throws
}

/// The error thrown when a configuration value has the wrong kind.
func unexpected(_ value: ConfigurationValue, expected: String) -> StrataError {
  StrataError(.invalidArgument, "expected \(expected), found \(value.summary)")
}

extension ConfigurationValue: ConfigurationRepresentable {
  /// The value itself.
  public var configurationValue: ConfigurationValue { self }
  /// The value itself.
  public init(configurationValue: ConfigurationValue) { self = configurationValue }
}

extension Bool: ConfigurationRepresentable {
  /// `.bool(self)`.
  public var configurationValue: ConfigurationValue { .bool(self) }
  /// Reads `true` or `false`.
  public init(configurationValue value: ConfigurationValue) throws {
    guard case .bool(let flag) = value else { throw unexpected(value, expected: "a boolean") }
    self = flag
  }
}

extension Int: ConfigurationRepresentable {
  /// `.integer(self)`.
  public var configurationValue: ConfigurationValue { .integer(self) }
  /// Reads a whole number that fits an `Int` (a number such as `3.0` is accepted).
  public init(configurationValue value: ConfigurationValue) throws {
    switch value {
    case .integer(let integer): self = integer
    case .number(let number):
      guard let integer = Int(exactly: number) else {
        throw unexpected(value, expected: "an integer")
      }
      self = integer
    default: throw unexpected(value, expected: "an integer")
    }
  }
}

extension UInt64: ConfigurationRepresentable {
  /// An integer, or a string of digits above `Int.max` (JSON numbers beyond 2⁵³ are not safe
  /// in every reader).
  public var configurationValue: ConfigurationValue {
    self <= UInt64(Int.max) ? .integer(Int(self)) : .string(String(self))
  }
  /// Reads a non-negative integer, or a string of its digits.
  public init(configurationValue value: ConfigurationValue) throws {
    switch value {
    case .integer(let integer) where integer >= 0: self = UInt64(integer)
    case .string(let digits):
      guard let parsed = UInt64(digits) else {
        throw unexpected(value, expected: "a non-negative integer")
      }
      self = parsed
    default: throw unexpected(value, expected: "a non-negative integer")
    }
  }
}

extension Double: ConfigurationRepresentable {
  /// A number; infinities and NaN, which JSON cannot hold, as the strings `"inf"`, `"-inf"`
  /// and `"nan"`.
  public var configurationValue: ConfigurationValue {
    if isFinite { return .number(self) }
    return .string(isNaN ? "nan" : (self > 0 ? "inf" : "-inf"))
  }
  /// Reads a number (or one of the strings above).
  public init(configurationValue value: ConfigurationValue) throws {
    switch value {
    case .integer(let integer): self = Double(integer)
    case .number(let number): self = number
    case .string("nan"): self = .nan
    case .string("inf"): self = .infinity
    case .string("-inf"): self = -.infinity
    default: throw unexpected(value, expected: "a number")
    }
  }
}

extension Float: ConfigurationRepresentable {
  /// The number as a `Double` (exactly), or a string for infinities and NaN.
  public var configurationValue: ConfigurationValue { Double(self).configurationValue }
  /// Reads a number within `Float`'s range.
  public init(configurationValue value: ConfigurationValue) throws {
    let number = try Double(configurationValue: value)
    guard !number.isFinite || Swift.abs(number) <= Double(Float.greatestFiniteMagnitude) else {
      throw unexpected(value, expected: "a number within the range of Float")
    }
    self = Float(number)
  }
}

extension String: ConfigurationRepresentable {
  /// `.string(self)`.
  public var configurationValue: ConfigurationValue { .string(self) }
  /// Reads a string.
  public init(configurationValue value: ConfigurationValue) throws {
    guard case .string(let text) = value else { throw unexpected(value, expected: "a string") }
    self = text
  }
}

extension Array: ConfigurationRepresentable where Element: ConfigurationRepresentable {
  /// `.array` of the elements.
  public var configurationValue: ConfigurationValue { .array(map(\.configurationValue)) }
  /// Reads an array, each element checked.
  public init(configurationValue value: ConfigurationValue) throws {
    guard case .array(let elements) = value else {
      throw unexpected(value, expected: "an array")
    }
    self = try elements.enumerated().map { index, element in
      do { return try Element(configurationValue: element) } catch let error as StrataError {
        throw error.prefixed("element \(index)")
      }
    }
  }
}

extension Optional: ConfigurationRepresentable where Wrapped: ConfigurationRepresentable {
  /// `.null` for `nil`.
  public var configurationValue: ConfigurationValue { map(\.configurationValue) ?? .null }
  /// `nil` for `.null`, otherwise the wrapped type's reading.
  public init(configurationValue value: ConfigurationValue) throws {
    self = value == .null ? nil : try Wrapped(configurationValue: value)
  }
}
