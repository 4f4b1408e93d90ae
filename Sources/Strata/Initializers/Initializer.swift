import Foundation

/// How a weight's first values are drawn, as Keras's `kernel_initializer=`.
///
/// Fans follow Keras's `compute_fans`: a `[in, out]` kernel has `fanIn = in`, `fanOut = out`;
/// for rank > 2 the leading axes multiply both.
public struct Initializer: CustomStringConvertible, Sendable {
  /// The Keras name (`"glorot_uniform"`, …).
  public let name: String
  let draw: @Sendable (_ shape: [Int], _ generator: inout RandomGenerator) -> Tensor

  /// Draws a tensor of `shape`.
  public func callAsFunction(_ shape: [Int], generator: inout RandomGenerator) -> Tensor {
    draw(shape, &generator)
  }

  /// The Keras name.
  public var description: String { name }

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
    name: String, scale: Float, mode: FanMode, distribution: Distribution
  ) -> Initializer {
    Initializer(name: name) { shape, generator in
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
    name: "glorot_uniform", scale: 1, mode: .fanAverage, distribution: .uniform)
  /// Truncated normal with standard deviation `√(2 / (fanIn + fanOut)) / 0.8796`.
  public static let glorotNormal = varianceScaling(
    name: "glorot_normal", scale: 1, mode: .fanAverage, distribution: .truncatedNormal)
  /// Truncated normal with standard deviation `√(2 / fanIn) / 0.8796` (He/Kaiming).
  public static let heNormal = varianceScaling(
    name: "he_normal", scale: 2, mode: .fanIn, distribution: .truncatedNormal)
  /// `U(±√(6 / fanIn))`.
  public static let heUniform = varianceScaling(
    name: "he_uniform", scale: 2, mode: .fanIn, distribution: .uniform)
  /// Truncated normal with standard deviation `√(1 / fanIn) / 0.8796`.
  public static let lecunNormal = varianceScaling(
    name: "lecun_normal", scale: 1, mode: .fanIn, distribution: .truncatedNormal)
  /// `U(±√(3 / fanIn))`.
  public static let lecunUniform = varianceScaling(
    name: "lecun_uniform", scale: 1, mode: .fanIn, distribution: .uniform)
  /// All zeros (Keras's default for biases).
  public static let zeros = Initializer(name: "zeros") { shape, _ in Tensor.zeros(shape) }
  /// All ones.
  public static let ones = Initializer(name: "ones") { shape, _ in Tensor.ones(shape) }
  /// Keras's `RandomNormal()` defaults: mean 0, standard deviation 0.05.
  public static let randomNormal = randomNormal(mean: 0, stddev: 0.05)

  /// Every value equal to `value`.
  public static func constant(_ value: Float) -> Initializer {
    Initializer(name: "constant") { shape, _ in Tensor.full(shape, value: value) }
  }

  /// Normal values N(mean, stddev²): the "0.01 · randn" of "Deep Learning from Scratch" is
  /// `.randomNormal(mean: 0, stddev: 0.01)`.
  public static func randomNormal(mean: Float = 0, stddev: Float = 0.05) -> Initializer {
    Initializer(name: "random_normal") { shape, generator in
      Tensor.normal(shape, mean: mean, standardDeviation: stddev, generator: &generator)
    }
  }

  /// Uniform values in `[minimum, maximum)` (Keras's `RandomUniform`, default ±0.05).
  public static func randomUniform(minimum: Float = -0.05, maximum: Float = 0.05) -> Initializer {
    Initializer(name: "random_uniform") { shape, generator in
      Tensor.uniform(shape, lowerBound: minimum, upperBound: maximum, generator: &generator)
    }
  }

  /// An initializer whose values are a fixed tensor (its shape must match the weight's).
  public static func values(_ tensor: Tensor) -> Initializer {
    Initializer(name: "constant") { shape, _ in
      precondition(
        shape == tensor.shape,
        "Initializer.values: shape \(tensor.shape) for a weight of shape \(shape)")
      return tensor
    }
  }
}
