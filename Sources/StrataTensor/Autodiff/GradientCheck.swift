/// Verifies reverse-mode gradients against central finite differences, as "Deep Learning from
/// Scratch" does to check backpropagation (`gradient_check`).
///
/// For every parameter entry `θᵢ` it evaluates `(f(θᵢ + h) − f(θᵢ − h)) / 2h` (in `Double`) and
/// compares it with the autodiff gradient.
public enum GradientCheck {
  /// The outcome of a check.
  public struct Result: CustomStringConvertible {
    /// The largest `|analytic − numeric| / Swift.max(1, |analytic|, |numeric|)` over all entries:
    /// relative for large gradients, absolute for small ones (where float32 differences are
    /// dominated by rounding).
    public var maximumRelativeError: Float
    /// The largest `|analytic − numeric|` over all entries.
    public var maximumAbsoluteError: Float
    /// The gradients from autodiff, one per parameter.
    public var analytic: [Tensor]
    /// The gradients from finite differences, one per parameter.
    public var numeric: [Tensor]

    /// A one-line summary with both errors.
    public var description: String {
      "GradientCheck(max relative error \(maximumRelativeError), max absolute error \(maximumAbsoluteError))"
    }
  }

  /// Compares the gradient of `body` (reduced by summing when it is not a scalar) at
  /// `parameters` with central differences of step `step`.
  public static func check(
    at parameters: [Tensor], step: Float = 1e-2, of body: ([Tensor]) -> Tensor
  ) -> Result {
    let analytic = gradient(at: parameters) { body($0).sum() }
    var numeric: [Tensor] = []
    var worstRelative: Float = 0
    var worstAbsolute: Float = 0
    for (index, parameter) in parameters.enumerated() {
      var estimate = Tensor.zeros(parameter.shape)
      for i in 0..<parameter.scalarCount {
        var plus = parameters
        var minus = parameters
        plus[index].scalars[i] += step
        minus[index].scalars[i] -= step
        let fPlus = body(plus).scalars.reduce(0.0) { $0 + Double($1) }
        let fMinus = body(minus).scalars.reduce(0.0) { $0 + Double($1) }
        let value = Float((fPlus - fMinus) / (2 * Double(step)))
        estimate.scalars[i] = value
        let a = analytic[index].scalars[i]
        let difference = Swift.abs(a - value)
        worstAbsolute = Swift.max(worstAbsolute, difference)
        worstRelative = Swift.max(
          worstRelative, difference / Swift.max(1, Swift.abs(a), Swift.abs(value)))
      }
      numeric.append(estimate)
    }
    return Result(
      maximumRelativeError: worstRelative, maximumAbsoluteError: worstAbsolute,
      analytic: analytic, numeric: numeric)
  }
}
