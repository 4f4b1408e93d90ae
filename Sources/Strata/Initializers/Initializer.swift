import Foundation

/// How a weight's first values are drawn, as Keras's `kernel_initializer=`.
///
/// Fans follow Keras's `compute_fans`: a `[in, out]` kernel has `fanIn = in`, `fanOut = out`;
/// for rank > 2 the leading axes multiply both. An initializer is saved as Keras saves one,
/// `{"class_name": "GlorotUniform", "config": {}}`; two are equal when their class names and
/// arguments are.
public struct Initializer: CustomStringConvertible, Sendable, Equatable {
  /// The Keras identifier (`"glorot_uniform"`, …).
  public let name: String
  /// The Keras class name (`"GlorotUniform"`), under which the initializer is saved.
  public let className: String
  /// The initializer's arguments (`stddev` of `RandomNormal`), empty for most.
  public let arguments: Configuration
  let draw: @Sendable (_ shape: [Int], _ generator: inout RandomGenerator) throws -> Tensor

  init(
    name: String, className: String, arguments: Configuration = [:],
    draw: @escaping @Sendable (_ shape: [Int], _ generator: inout RandomGenerator) throws -> Tensor
  ) {
    self.name = name
    self.className = className
    self.arguments = arguments
    self.draw = draw
  }

  /// Draws a tensor of `shape`; throws when the initializer cannot fill that shape (a
  /// ``values(_:)`` initializer of another shape).
  public func callAsFunction(_ shape: [Int], generator: inout RandomGenerator) throws -> Tensor {
    try draw(shape, &generator)
  }

  /// The Keras identifier.
  public var description: String { name }

  /// Whether both have the same class name and arguments.
  public static func == (lhs: Initializer, rhs: Initializer) -> Bool {
    lhs.className == rhs.className && lhs.arguments == rhs.arguments
  }

  static func fans(_ shape: [Int]) -> (fanIn: Float, fanOut: Float) {
    switch shape.count {
    case 0: return (1, 1)
    case 1: return (Float(shape[0]), Float(shape[0]))
    case 2: return (Float(shape[0]), Float(shape[1]))
    default:
      let receptive = Float(shape.dropLast(2).reduce(1, *))
      return (Float(shape[shape.count - 2]) * receptive, Float(shape[shape.count - 1]) * receptive)
    }
  }

  enum FanMode { case fanIn, fanOut, fanAverage }
  enum Distribution { case truncatedNormal, untruncatedNormal, uniform }

  /// Keras's `VarianceScaling`: `s = scale / max(1, n)` for the chosen fan `n`.
  static func varianceScaling(
    name: String, className: String, scale: Float, mode: FanMode, distribution: Distribution
  ) -> Initializer {
    Initializer(name: name, className: className) { shape, generator in
      let (fanIn, fanOut) = fans(shape)
      let n: Float
      switch mode {
      case .fanIn: n = fanIn
      case .fanOut: n = fanOut
      case .fanAverage: n = (fanIn + fanOut) / 2
      }
      let s = scale / max(1, n)
      switch distribution {
      case .truncatedNormal:
        // 0.8796… is the standard deviation of a unit normal truncated at ±2.
        return Tensor.truncatedNormal(
          shape, standardDeviation: s.squareRoot() / 0.87962566103423978, generator: &generator)
      case .untruncatedNormal:
        return Tensor.normal(shape, standardDeviation: s.squareRoot(), generator: &generator)
      case .uniform:
        let limit = (3 * s).squareRoot()
        return Tensor.uniform(shape, lowerBound: -limit, upperBound: limit, generator: &generator)
      }
    }
  }

  /// `U(±√(6 / (fanIn + fanOut)))`: Keras's default for kernels (Xavier/Glorot uniform).
  public static let glorotUniform = varianceScaling(
    name: "glorot_uniform", className: "GlorotUniform", scale: 1, mode: .fanAverage,
    distribution: .uniform)
  /// Truncated normal with standard deviation `√(2 / (fanIn + fanOut)) / 0.8796`.
  public static let glorotNormal = varianceScaling(
    name: "glorot_normal", className: "GlorotNormal", scale: 1, mode: .fanAverage,
    distribution: .truncatedNormal)
  /// Truncated normal with standard deviation `√(2 / fanIn) / 0.8796` (He/Kaiming).
  public static let heNormal = varianceScaling(
    name: "he_normal", className: "HeNormal", scale: 2, mode: .fanIn,
    distribution: .truncatedNormal)
  /// `U(±√(6 / fanIn))`.
  public static let heUniform = varianceScaling(
    name: "he_uniform", className: "HeUniform", scale: 2, mode: .fanIn, distribution: .uniform)
  /// Truncated normal with standard deviation `√(1 / fanIn) / 0.8796`.
  public static let lecunNormal = varianceScaling(
    name: "lecun_normal", className: "LecunNormal", scale: 1, mode: .fanIn,
    distribution: .truncatedNormal)
  /// `U(±√(3 / fanIn))`.
  public static let lecunUniform = varianceScaling(
    name: "lecun_uniform", className: "LecunUniform", scale: 1, mode: .fanIn,
    distribution: .uniform)
  /// All zeros (Keras's default for biases).
  public static let zeros = Initializer(name: "zeros", className: "Zeros") { shape, _ in
    Tensor.zeros(shape)
  }
  /// All ones.
  public static let ones = Initializer(name: "ones", className: "Ones") { shape, _ in
    Tensor.ones(shape)
  }
  /// Keras's `RandomNormal()` defaults: mean 0, standard deviation 0.05.
  public static let randomNormal = randomNormal(mean: 0, stddev: 0.05)

  /// Every value equal to `value`.
  public static func constant(_ value: Float) -> Initializer {
    Initializer(name: "constant", className: "Constant", arguments: ["value": value]) { shape, _ in
      Tensor.full(shape, value: value)
    }
  }

  /// Normal values N(mean, stddev²): the "0.01 · randn" of "Deep Learning from Scratch" is
  /// `.randomNormal(mean: 0, stddev: 0.01)`.
  public static func randomNormal(mean: Float = 0, stddev: Float = 0.05) -> Initializer {
    Initializer(
      name: "random_normal", className: "RandomNormal",
      arguments: ["mean": mean, "stddev": stddev]
    ) { shape, generator in
      Tensor.normal(shape, mean: mean, standardDeviation: stddev, generator: &generator)
    }
  }

  /// Uniform values in `[minimum, maximum)` (Keras's `RandomUniform`, default ±0.05).
  public static func randomUniform(minimum: Float = -0.05, maximum: Float = 0.05) -> Initializer {
    Initializer(
      name: "random_uniform", className: "RandomUniform",
      arguments: ["minval": minimum, "maxval": maximum]
    ) { shape, generator in
      Tensor.uniform(shape, lowerBound: minimum, upperBound: maximum, generator: &generator)
    }
  }

  /// Keras's `Orthogonal()` (gain 1): the default recurrent kernel of `SimpleRNN`, `LSTM` and
  /// `GRU`.
  public static let orthogonal = orthogonal(gain: 1)

  /// A random orthogonal matrix times `gain`, as Keras's `Orthogonal`: for a shape flattened
  /// to `rows × columns` (the leading axes times the last), the Q factor of a standard normal
  /// `max(rows, columns) × min(rows, columns)` matrix (signs fixed so that R has a positive
  /// diagonal), transposed when `rows < columns`. Its columns, or rows, are orthonormal.
  public static func orthogonal(gain: Float = 1) -> Initializer {
    Initializer(name: "orthogonal", className: "Orthogonal", arguments: ["gain": gain]) {
      shape, generator in
      guard shape.count >= 2, let columns = shape.last, columns > 0 else {
        throw StrataError(
          .invalidArgument,
          "Orthogonal initializer requires a shape of rank 2 or more with positive dimensions, got \(shape)"
        )
      }
      let rows = shape.dropLast().reduce(1, *)
      let (tall, wide) = (Swift.max(rows, columns), Swift.min(rows, columns))
      let normal = Tensor.normal(
        [tall, wide], mean: 0, standardDeviation: 1, generator: &generator)
      let q = orthonormalColumns(normal.scalars.map(Double.init), rows: tall, columns: wide)
      var values = [Float](repeating: 0, count: rows * columns)
      for i in 0..<rows {
        for j in 0..<columns {
          // q[c][r] is entry r of column c; a wide shape takes the transpose.
          let value = rows >= columns ? q[j][i] : q[i][j]
          values[i * columns + j] = Float(value) * gain
        }
      }
      return Tensor(shape: shape, scalars: values)
    }
  }

  /// The columns of a row-major `rows × columns` matrix (rows ≥ columns) made orthonormal by
  /// modified Gram–Schmidt with one re-orthogonalisation, in double precision: the Q of a QR
  /// factorisation whose R has a positive diagonal.
  static func orthonormalColumns(_ matrix: [Double], rows: Int, columns: Int) -> [[Double]] {
    var q: [[Double]] = []
    q.reserveCapacity(columns)
    for j in 0..<columns {
      var v = (0..<rows).map { matrix[$0 * columns + j] }
      for _ in 0..<2 {
        for basis in q {
          var dot = 0.0
          for i in 0..<rows { dot += basis[i] * v[i] }
          for i in 0..<rows { v[i] -= dot * basis[i] }
        }
      }
      var norm = 0.0
      for value in v { norm += value * value }
      norm = norm.squareRoot()
      q.append(norm > 0 ? v.map { $0 / norm } : v)
    }
    return q
  }

  /// An initializer whose values are a fixed tensor; building a weight of another shape
  /// throws. It is saved with its values.
  public static func values(_ tensor: Tensor) -> Initializer {
    let fixed = tensor.detached
    return Initializer(
      name: "values", className: "Values",
      arguments: ["shape": fixed.shape, "values": fixed.scalars]
    ) { shape, _ in
      guard shape == fixed.shape else {
        throw StrataError(
          .shapeMismatch,
          "Initializer.values holds a tensor of shape \(fixed.shape), but the weight has shape \(shape)"
        )
      }
      return fixed
    }
  }
}

extension Initializer: ConfigurationRepresentable {
  /// `{"class_name": "GlorotUniform", "config": {…}}`.
  public var configurationValue: ConfigurationValue {
    let reference: Configuration = ["class_name": className, "config": arguments]
    return .object(reference)
  }

  /// Rebuilds an initializer from its class name (or Keras identifier, `"he_normal"`) and
  /// arguments.
  public init(configurationValue value: ConfigurationValue) throws {
    let (name, arguments) = try value.nameAndArguments(expected: "an initializer")
    guard let make = Registry.initializerMaker(name) else {
      throw StrataError(.invalidArgument, "Could not interpret initializer identifier: \(name)")
    }
    self = try make(arguments)
  }

  /// How the built-in initializers are rebuilt, by class name and by Keras identifier: the
  /// ``Registry`` starts with these.
  static let builtInMakers: [String: Registry.Maker<Initializer>] = {
    let makers: [(Initializer, Registry.Maker<Initializer>)] = [
      (.glorotUniform, { _ in .glorotUniform }), (.glorotNormal, { _ in .glorotNormal }),
      (.heNormal, { _ in .heNormal }), (.heUniform, { _ in .heUniform }),
      (.lecunNormal, { _ in .lecunNormal }), (.lecunUniform, { _ in .lecunUniform }),
      (.zeros, { _ in .zeros }), (.ones, { _ in .ones }),
      (.constant(0), { try .constant($0.value("value", default: 0)) }),
      (
        .randomNormal,
        {
          try .randomNormal(
            mean: $0.value("mean", default: 0), stddev: $0.value("stddev", default: 0.05))
        }
      ),
      (
        .randomUniform(),
        {
          try .randomUniform(
            minimum: $0.value("minval", default: -0.05), maximum: $0.value("maxval", default: 0.05))
        }
      ),
      (.orthogonal, { try .orthogonal(gain: $0.value("gain", default: 1)) }),
      (.values(Tensor(0)), { try valuesInitializer($0) }),
    ]
    var table: [String: Registry.Maker<Initializer>] = [:]
    for (example, make) in makers {
      table[example.className] = make
      table[example.name] = make
    }
    return table
  }()

  private static func valuesInitializer(_ configuration: Configuration) throws -> Initializer {
    let shape: [Int] = try configuration.value("shape")
    let values: [Float] = try configuration.value("values")
    var count = 1
    for dimension in shape {
      let (product, overflow) = count.multipliedReportingOverflow(by: dimension)
      guard dimension >= 0, !overflow else {
        throw StrataError(.invalidArgument, "`shape` \(shape) is not a valid tensor shape")
      }
      count = product
    }
    guard count == values.count else {
      throw StrataError(
        .invalidArgument, "`shape` \(shape) needs \(count) values, found \(values.count)")
    }
    return .values(Tensor(shape: shape, scalars: values))
  }
}
