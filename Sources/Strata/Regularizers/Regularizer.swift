/// A weight penalty added to the training loss, as Keras's `kernel_regularizer=`.
///
/// Penalties follow Keras: `l1 · Σ|w|` and `l2 · Σw²` (no ½ factor), added once per step at
/// full value (not divided by the batch size) and included in the reported `loss`. A
/// regularizer is saved as Keras saves one: `{"class_name": "L2", "config": {"l2": 0.01}}`.
public struct Regularizer: Equatable, CustomStringConvertible, Sendable {
  /// The L1 factor.
  public let l1: Float
  /// The L2 factor.
  public let l2: Float

  /// `l1 · Σ|w|` (Keras's default factor is 0.01).
  public static func l1(_ factor: Float = 0.01) -> Regularizer { Regularizer(l1: factor, l2: 0) }
  /// `l2 · Σw²` (Keras's default factor is 0.01).
  public static func l2(_ factor: Float = 0.01) -> Regularizer { Regularizer(l1: 0, l2: factor) }
  /// `l1 · Σ|w| + l2 · Σw²` (Keras's defaults are 0 and 0).
  public static func l1l2(l1: Float = 0, l2: Float = 0) -> Regularizer {
    Regularizer(l1: l1, l2: l2)
  }

  /// The penalty for `weight`, differentiable.
  public func penalty(_ weight: Tensor) -> Tensor {
    var total: Tensor? = nil
    if l1 != 0 { total = weight.abs().sum() * l1 }
    if l2 != 0 {
      let term = weight.square().sum() * l2
      total = total.map { $0 + term } ?? term
    }
    return total ?? Tensor(0)
  }

  /// Throws unless both factors are finite and non-negative (Keras's check).
  func validate(argument: String) throws {
    for (name, value) in [("l1", l1), ("l2", l2)] where !(value.isFinite && value >= 0) {
      throw StrataError(
        .invalidArgument,
        "Invalid value for argument \(name) of `\(argument)`: expected a non-negative float. Received: \(name)=\(value)"
      )
    }
  }

  /// `L1L2(l1=…, l2=…)`.
  public var description: String { "L1L2(l1=\(l1), l2=\(l2))" }
}

extension Regularizer: ConfigurationRepresentable {
  /// Keras's `L1`, `L2` or `L1L2` with its factors.
  public var configurationValue: ConfigurationValue {
    let reference: Configuration
    switch (l1, l2) {
    case (_, 0) where l1 != 0:
      reference = ["class_name": "L1", "config": ["l1": l1] as Configuration]
    case (0, _) where l2 != 0:
      reference = ["class_name": "L2", "config": ["l2": l2] as Configuration]
    default: reference = ["class_name": "L1L2", "config": ["l1": l1, "l2": l2] as Configuration]
    }
    return .object(reference)
  }

  /// Rebuilds `L1`, `L2` or `L1L2` (or the identifiers `"l1"`, `"l2"`, `"l1_l2"`) with Keras's
  /// default factors for missing ones.
  public init(configurationValue value: ConfigurationValue) throws {
    let (name, arguments) = try value.nameAndArguments(expected: "a regularizer")
    guard let make = Registry.regularizerMaker(name) else {
      throw StrataError(.invalidArgument, "Could not interpret regularizer identifier: \(name)")
    }
    self = try make(arguments)
    try validate(argument: name)
  }

  /// How the built-in regularizers are rebuilt: the ``Registry`` starts with these.
  static let builtInMakers: [String: Registry.Maker<Regularizer>] = {
    let l1: Registry.Maker<Regularizer> = { .l1(try $0.value("l1", default: 0.01)) }
    let l2: Registry.Maker<Regularizer> = { .l2(try $0.value("l2", default: 0.01)) }
    let l1l2: Registry.Maker<Regularizer> = {
      .l1l2(l1: try $0.value("l1", default: 0), l2: try $0.value("l2", default: 0))
    }
    return ["L1": l1, "l1": l1, "L2": l2, "l2": l2, "L1L2": l1l2, "l1_l2": l1l2]
  }()
}
