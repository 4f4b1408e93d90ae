/// Keras's `LogCosh`: `mean(log(cosh(p − y)))` over the last axis, computed as
/// `x + softplus(−2x) − log 2` so that it does not overflow.
public struct LogCosh: Loss {
  /// How a batch's values become its loss (Keras's `reduction`, default
  /// ``LossReduction/sumOverBatchSize``).
  public var reduction: LossReduction

  /// Creates the loss.
  public init(reduction: LossReduction = .sumOverBatchSize) {
    self.reduction = reduction
  }

  /// `log_cosh`.
  public var name: String { "log_cosh" }

  /// Per-sample values.
  public func values(target: Tensor, prediction: Tensor) -> Tensor {
    let x = prediction - target
    return (x + (x * -2).softplus() - Float(0.6931471805599453)).mean(alongAxis: -1)
  }

  /// `reduction`.
  public var configuration: Configuration { ["reduction": reduction] }
  /// Rebuilds the loss; a missing `reduction` is Keras's default.
  public init(configuration: Configuration) throws {
    self.init(reduction: try configuration.lossReduction())
  }
}

extension Loss where Self == LogCosh {
  /// The mean of log(cosh(p − y)) over the last axis.
  public static var logCosh: LogCosh { LogCosh() }
}
