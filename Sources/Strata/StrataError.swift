/// The error every throwing entry point of Strata reports: what was expected, what was found,
/// and where.
///
/// ```swift
/// do { try model.fit(x, y) } catch let error as StrataError { print(error) }
/// ```
public struct StrataError: Error, Equatable, CustomStringConvertible, Sendable {
  /// The broad category of a failure, for code that wants to react to it.
  public enum Kind: String, Equatable, Sendable {
    /// An argument is outside the values it may take (`batchSize: 0`, `rate: 1.5`).
    case invalidArgument
    /// A tensor's shape does not fit where it is used (the model's input, the labels).
    case shapeMismatch
    /// Data holds values it may not (NaN, a label out of range).
    case invalidData
    /// The model is not in a state that allows the call (not compiled, not built).
    case invalidState
    /// Reading or writing a file failed, or a file is malformed.
    case fileFormat
  }

  /// The category of the failure.
  public let kind: Kind
  /// A sentence that says what was expected, what was found, and where.
  public let message: String

  /// Creates an error of `kind` with a full-sentence `message`.
  public init(_ kind: Kind, _ message: String) {
    self.kind = kind
    self.message = message
  }

  /// The message.
  public var description: String { message }
}

extension StrataError {
  /// The same error with `context` put in front of its message: `"layer 'dense': " + message`.
  func prefixed(_ context: String) -> StrataError {
    StrataError(kind, "\(context): \(message)")
  }
}
