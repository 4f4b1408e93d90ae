/// A projection applied to a weight after every optimizer update, as Keras's
/// `kernel_constraint=` and `bias_constraint=`.
///
/// The norms are Euclidean over `axes` (Keras's `axis`; for a Dense kernel `[inputs, units]`
/// the default 0 bounds each unit's incoming weights), with Keras's ε = 1e-7:
/// - ``maxNorm(_:axes:)``: `w · clip(‖w‖, 0, max) / (ε + ‖w‖)`
/// - ``nonNeg``: `max(w, 0)`
/// - ``unitNorm(axes:)``: `w / (ε + ‖w‖)`
/// - ``minMaxNorm(min:max:rate:axes:)``: `w · (rate · clip(‖w‖, min, max) + (1 − rate)‖w‖)
///   / (ε + ‖w‖)`
///
/// A constraint is saved as Keras saves one: `{"class_name": "MaxNorm", "config":
/// {"max_value": 2, "axis": 0}}`.
public struct Constraint: Equatable, CustomStringConvertible, Sendable {
  /// The projections Keras has.
  public enum Kind: Equatable, Sendable {
    /// Keras's `MaxNorm(max_value, axis)`.
    case maxNorm(maxValue: Float)
    /// Keras's `NonNeg()`.
    case nonNeg
    /// Keras's `UnitNorm(axis)`.
    case unitNorm
    /// Keras's `MinMaxNorm(min_value, max_value, rate, axis)`.
    case minMaxNorm(minValue: Float, maxValue: Float, rate: Float)
  }

  /// Which projection.
  public let kind: Kind
  /// The axes of the weight the norm runs over (Keras's `axis`).
  public let axes: [Int]

  /// Bounds the norm over `axes` by `maxValue` (Keras's defaults: 2, axis 0).
  public static func maxNorm(_ maxValue: Float = 2, axes: [Int] = [0]) -> Constraint {
    Constraint(kind: .maxNorm(maxValue: maxValue), axes: axes)
  }
  /// Sets negative values to zero.
  public static var nonNeg: Constraint { Constraint(kind: .nonNeg, axes: []) }
  /// Scales to unit norm over `axes` (Keras's default axis 0).
  public static func unitNorm(axes: [Int] = [0]) -> Constraint {
    Constraint(kind: .unitNorm, axes: axes)
  }
  /// Moves the norm over `axes` into `[min, max]` at `rate` (Keras's defaults: 0, 1, 1, axis 0).
  public static func minMaxNorm(
    min: Float = 0, max: Float = 1, rate: Float = 1, axes: [Int] = [0]
  ) -> Constraint {
    Constraint(kind: .minMaxNorm(minValue: min, maxValue: max, rate: rate), axes: axes)
  }

  /// The projection of `weight` (untraced: constraints act between steps).
  public func applied(to weight: Tensor) -> Tensor {
    if case .nonNeg = kind { return weight.maximum(0) }
    let rank = Swift.max(weight.rank, 1)
    let resolved = axes.map { $0 < 0 ? $0 + rank : $0 }.filter { $0 < weight.rank }
    let norms = weight.square().sum(alongAxes: resolved, keepingDims: true).sqrt()
    let epsilon: Float = 1e-7
    switch kind {
    case .nonNeg: return weight
    case .unitNorm: return weight / (norms + epsilon)
    case .maxNorm(let maxValue):
      return weight * (norms.clipped(lowerBound: 0, upperBound: maxValue) / (norms + epsilon))
    case .minMaxNorm(let minValue, let maxValue, let rate):
      let desired =
        norms.clipped(lowerBound: minValue, upperBound: maxValue) * rate + norms * (1 - rate)
      return weight * (desired / (norms + epsilon))
    }
  }

  /// Keras's class name and arguments, as `MaxNorm(max_value=2.0, axis=[0])`.
  public var description: String { "\(Self.className(kind))\(arguments)" }

  private static func className(_ kind: Kind) -> String {
    switch kind {
    case .maxNorm: "MaxNorm"
    case .nonNeg: "NonNeg"
    case .unitNorm: "UnitNorm"
    case .minMaxNorm: "MinMaxNorm"
    }
  }

  /// The Keras `config`.
  var arguments: Configuration {
    let axis: ConfigurationValue =
      axes.count == 1 ? .integer(axes[0]) : .array(axes.map { .integer($0) })
    switch kind {
    case .nonNeg: return [:]
    case .unitNorm: return ["axis": axis]
    case .maxNorm(let maxValue): return ["max_value": maxValue, "axis": axis]
    case .minMaxNorm(let minValue, let maxValue, let rate):
      return ["min_value": minValue, "max_value": maxValue, "rate": rate, "axis": axis]
    }
  }
}

extension Constraint: ConfigurationRepresentable {
  /// `{"class_name": "MaxNorm", "config": {…}}`.
  public var configurationValue: ConfigurationValue {
    .object(["class_name": Self.className(kind), "config": arguments] as Configuration)
  }

  /// Rebuilds a constraint from Keras's class name (or identifier, `"max_norm"`) and
  /// arguments; missing arguments take Keras's defaults.
  public init(configurationValue value: ConfigurationValue) throws {
    let (name, arguments) = try value.nameAndArguments(expected: "a constraint")
    func axes() throws -> [Int] {
      if case .array = arguments["axis"] { return try arguments.value("axis") }
      return [try arguments.value("axis", default: 0)]
    }
    switch name {
    case "MaxNorm", "max_norm":
      self = .maxNorm(try arguments.value("max_value", default: 2), axes: try axes())
    case "NonNeg", "non_neg":
      self = .nonNeg
    case "UnitNorm", "unit_norm":
      self = .unitNorm(axes: try axes())
    case "MinMaxNorm", "min_max_norm":
      self = .minMaxNorm(
        min: try arguments.value("min_value", default: 0),
        max: try arguments.value("max_value", default: 1),
        rate: try arguments.value("rate", default: 1), axes: try axes())
    default:
      throw StrataError(
        .invalidArgument,
        "Could not interpret constraint identifier: \(name) (Strata has MaxNorm, NonNeg, UnitNorm and MinMaxNorm)"
      )
    }
  }
}
