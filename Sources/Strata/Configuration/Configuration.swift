/// The arguments that rebuild an object, by name: Keras's `get_config()` dictionary.
///
/// ```swift
/// var configuration: Configuration {
///     ["units": units, "activation": activation, "use_bias": useBias]
/// }
/// convenience init(configuration: Configuration) throws {
///     self.init(units: try configuration.value("units"),
///               activation: try configuration.value("activation", default: .linear),
///               useBias: try configuration.value("use_bias", default: true))
/// }
/// ```
///
/// Reading checks each value: a missing key, or a value of the wrong kind, throws a
/// ``StrataError`` naming the key and what was found.
public struct Configuration: Equatable, Sendable, ExpressibleByDictionaryLiteral,
  CustomStringConvertible
{
  /// The values by name.
  public private(set) var entries: [String: ConfigurationValue]

  /// A configuration holding `entries`.
  public init(_ entries: [String: ConfigurationValue] = [:]) {
    self.entries = entries
  }

  /// A configuration from a literal whose values are numbers, strings, booleans, arrays,
  /// optionals, activations, initializers, regularizers or configuration values.
  public init(dictionaryLiteral elements: (String, any ConfigurationRepresentable)...) {
    var entries: [String: ConfigurationValue] = [:]
    for (key, value) in elements { entries[key] = value.configurationValue }
    self.entries = entries
  }

  /// The value stored under `key`, if any.
  public subscript(key: String) -> ConfigurationValue? {
    get { entries[key] }
    set { entries[key] = newValue }
  }

  /// The keys, sorted.
  public var keys: [String] { entries.keys.sorted() }

  /// This configuration with the entries of `other` added (replacing equal keys).
  public func merging(_ other: Configuration) -> Configuration {
    Configuration(entries.merging(other.entries) { _, new in new })
  }

  /// The value under `key`, read as `T`; a missing key is read as `null`, so optionals come
  /// back `nil` and everything else throws.
  public func value<T: ConfigurationRepresentable>(_ key: String, as type: T.Type = T.self) throws
    -> T
  {
    let stored = entries[key]
    do {
      return try T(configurationValue: stored ?? .null)
    } catch let error as StrataError {
      if stored == nil { throw StrataError(.invalidArgument, "`\(key)` is missing") }
      throw error.prefixed("`\(key)`")
    }
  }

  /// The value under `key` read as `T`, or `defaultValue` when the key is missing or `null`.
  public func value<T: ConfigurationRepresentable>(_ key: String, default defaultValue: T) throws
    -> T
  {
    guard let stored = entries[key], stored != .null else { return defaultValue }
    return try value(key)
  }

  /// The object under `key` as a nested configuration.
  public func nested(_ key: String) throws -> Configuration {
    try value(key)
  }

  /// The configuration as compact JSON with sorted keys.
  public var description: String { ConfigurationValue.object(self).description }
}

extension Configuration: ConfigurationRepresentable {
  /// `.object(self)`.
  public var configurationValue: ConfigurationValue { .object(self) }
  /// Reads an object.
  public init(configurationValue value: ConfigurationValue) throws {
    guard case .object(let configuration) = value else {
      throw unexpected(value, expected: "an object")
    }
    self = configuration
  }
}
