import Foundation

/// An elementwise activation function, as an engine op with its derivative.
///
/// These are the functions of `keras.activations` that act on one value at a time; the
/// formulas and default constants follow Keras 3 (`keras/src/activations/activations.py`).
public enum ElementwiseActivation: Equatable, Hashable, Sendable {
  /// `x` (Keras's `linear`, the default of `Dense`).
  case linear
  /// `Swift.max(x, 0)`.
  case relu
  /// `1 / (1 + e⁻ˣ)`.
  case sigmoid
  /// `tanh(x)`.
  case tanh
  /// `log(1 + eˣ)`.
  case softplus
  /// `x` for `x > 0`, else `alpha · (eˣ − 1)`.
  case elu(alpha: Float)
  /// `scale · elu(x, alpha)` with Keras's `alpha = 1.67326324`, `scale = 1.05070098`.
  case selu
  /// `x` for `x > 0`, else `alpha · x` (Keras's function default is 0.2).
  case leakyRelu(alpha: Float)
  /// `0.5x(1 + erf(x/√2))`, or the tanh approximation when `approximate`.
  case gelu(approximate: Bool)
  /// `x · sigmoid(x)` (also called SiLU).
  case swish

  /// SELU's `alpha`, Keras's constant.
  public static let seluAlpha: Float = 1.6732632423543772
  /// SELU's `scale`, Keras's constant.
  public static let seluScale: Float = 1.0507009873554805

  /// Whether the derivative can be computed from the output alone (so the input need not be
  /// kept for the backward pass).
  var derivativeUsesOutputOnly: Bool {
    switch self {
    case .linear, .relu, .sigmoid, .tanh: return true
    default: return false
    }
  }
}

@inline(__always) func stableSigmoid(_ x: Float) -> Float {
  if x >= 0 { return 1 / (1 + Foundation.exp(-x)) }
  let e = Foundation.exp(x)
  return e / (1 + e)
}

extension Tensor {
  /// `activation` applied to every value, with its gradient.
  public func activated(_ activation: ElementwiseActivation) -> Tensor {
    switch activation {
    case .linear:
      return self
    case .relu:
      // The most common activation runs on C kernels; the pullback is one pass, passing the
      // gradient where the output is positive (as TensorFlow's select does).
      let value = reluValues()
      guard isTraced else { return value }
      let output = value.detached
      return Tensor.record(value, input: self) { grad in
        Tensor.reluPullback(grad, output: output)
      }
    case .sigmoid:
      // Vectorised kernels; the pullbacks are σ′ = y(1 − y) and tanh′ = 1 − y².
      let value = sigmoidValues()
      guard isTraced else { return value }
      let output = value.detached
      return Tensor.record(value, input: self) { grad in
        Tensor.zipScalars(grad, output, op: "sigmoid") { $0 * ($1 * (1 - $1)) }
      }
    case .tanh:
      let value = tanhValues()
      guard isTraced else { return value }
      let output = value.detached
      return Tensor.record(value, input: self) { grad in
        Tensor.zipScalars(grad, output, op: "tanh") { $0 * (1 - $1 * $1) }
      }
    case .softplus:
      let value = mapScalars { Swift.max($0, 0) + Foundation.log1p(Foundation.exp(-Swift.abs($0))) }
      guard isTraced else { return value }
      let input = detached
      return Tensor.record(value, input: self) { grad in
        Tensor.zipScalars(grad, input, op: "activation") { $0 * stableSigmoid($1) }
      }
    case .elu(let alpha):
      let value = mapScalars { $0 > 0 ? $0 : alpha * Foundation.expm1($0) }
      guard isTraced else { return value }
      // The derivative (1 above zero, y + α below) needs x and y: formed here, multiplied in
      // the pullback.
      let derivative = Tensor.zipScalars(self, value, op: "elu") { x, y in x > 0 ? 1 : y + alpha }
      return Tensor.record(value, input: self) { grad in
        Tensor.zipScalars(grad, derivative, op: "elu") { $0 * $1 }
      }
    case .selu:
      let (alpha, scale) = (ElementwiseActivation.seluAlpha, ElementwiseActivation.seluScale)
      let value = mapScalars { scale * ($0 > 0 ? $0 : alpha * Foundation.expm1($0)) }
      guard isTraced else { return value }
      let input = detached
      return Tensor.record(value, input: self) { grad in
        Tensor.zipScalars(grad, input, op: "activation") {
          $0 * ($1 > 0 ? scale : scale * alpha * Foundation.exp($1))
        }
      }
    case .leakyRelu(let alpha):
      let value = mapScalars { $0 > 0 ? $0 : alpha * $0 }
      guard isTraced else { return value }
      let input = detached
      return Tensor.record(value, input: self) { grad in
        Tensor.zipScalars(grad, input, op: "activation") { $0 * ($1 > 0 ? 1 : alpha) }
      }
    case .gelu(let approximate):
      if approximate {
        let c = Float((2 / Double.pi).squareRoot())
        let value = mapScalars { x in
          0.5 * x * (1 + Foundation.tanh(c * (x + 0.044715 * x * x * x)))
        }
        guard isTraced else { return value }
        let input = detached
        return Tensor.record(value, input: self) { grad in
          Tensor.zipScalars(grad, input, op: "activation") { g, x in
            let inner = c * (x + 0.044715 * x * x * x)
            let t = Foundation.tanh(inner)
            return g * (0.5 * (1 + t) + 0.5 * x * (1 - t * t) * c * (1 + 3 * 0.044715 * x * x))
          }
        }
      }
      let value = mapScalars { x in 0.5 * x * (1 + Foundation.erf(x / Float(2).squareRoot())) }
      guard isTraced else { return value }
      let input = detached
      return Tensor.record(value, input: self) { grad in
        Tensor.zipScalars(grad, input, op: "activation") { g, x in
          let cdf = 0.5 * (1 + Foundation.erf(x / Float(2).squareRoot()))
          let pdf = Foundation.exp(-0.5 * x * x) / Float((2 * Double.pi).squareRoot())
          return g * (cdf + x * pdf)
        }
      }
    case .swish:
      // x·σ(x) from the vectorised sigmoid; the derivative σ + x·σ(1 − σ) is formed in the
      // forward pass (it needs both x and σ) and the pullback multiplies by it.
      let sigmoid = sigmoidValues()
      let value = Tensor.zipScalars(self, sigmoid, op: "swish") { $0 * $1 }
      guard isTraced else { return value }
      let derivative = Tensor.zipScalars(self, sigmoid, op: "swish") { x, s in
        s + x * s * (1 - s)
      }
      return Tensor.record(value, input: self) { grad in
        Tensor.zipScalars(grad, derivative, op: "swish") { $0 * $1 }
      }
    }
  }

  /// `Swift.max(x, 0)` elementwise.
  public func relu() -> Tensor { activated(.relu) }
  /// The logistic sigmoid `1 / (1 + e⁻ˣ)` elementwise, computed stably.
  public func sigmoid() -> Tensor { activated(.sigmoid) }
  /// The hyperbolic tangent elementwise.
  public func tanh() -> Tensor { activated(.tanh) }
  /// `log(1 + eˣ)` elementwise, computed stably.
  public func softplus() -> Tensor { activated(.softplus) }
  /// The exponential linear unit with the given `alpha` (Keras default 1.0).
  public func elu(alpha: Float = 1) -> Tensor { activated(.elu(alpha: alpha)) }
  /// The scaled exponential linear unit with Keras's constants.
  public func selu() -> Tensor { activated(.selu) }
  /// The leaky ReLU with slope `alpha` for negative values (Keras's function default 0.2).
  public func leakyRelu(alpha: Float = 0.2) -> Tensor { activated(.leakyRelu(alpha: alpha)) }
  /// The Gaussian error linear unit (exact by default, as in Keras).
  public func gelu(approximate: Bool = false) -> Tensor {
    activated(.gelu(approximate: approximate))
  }
  /// `x · sigmoid(x)` elementwise (SiLU).
  public func swish() -> Tensor { activated(.swish) }
}
