/// Keras's `LogCosh`: `mean(log(cosh(p − y)))` over the last axis, computed as
/// `x + softplus(−2x) − log 2` so that it does not overflow.
public struct LogCosh: Loss {
  /// Creates the loss.
  public init() {}

  /// `log_cosh`.
  public var name: String { "log_cosh" }

  /// Per-sample values.
  public func values(target: Tensor, prediction: Tensor) -> Tensor {
    let x = prediction - target
    return (x + (x * -2).softplus() - Float(0.6931471805599453)).mean(alongAxis: -1)
  }

  /// No arguments.
  public var configuration: Configuration { [:] }
  /// Rebuilds the loss.
  public init(configuration: Configuration) {}
}

extension Loss where Self == LogCosh {
  /// The mean of log(cosh(p − y)) over the last axis.
  public static var logCosh: LogCosh { LogCosh() }
}
