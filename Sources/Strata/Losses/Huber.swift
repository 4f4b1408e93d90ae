/// The Huber loss, Keras's `Huber`: `½e²` where `|e| ≤ δ`, else `δ|e| − ½δ²`, averaged over
/// the last axis (`e = p − y`). Keras names it `huber_loss`.
public struct Huber: Loss {
  /// How a batch's values become its loss (Keras's `reduction`, default
  /// ``LossReduction/sumOverBatchSize``).
  public var reduction: LossReduction
  /// The threshold between the quadratic and the linear part (Keras default 1).
  public var delta: Float

  /// Creates the loss with Keras's default `delta = 1`.
  public init(
    delta: Float = 1, reduction: LossReduction = .sumOverBatchSize
  ) {
    self.reduction = reduction
    self.delta = delta
  }

  /// `huber_loss`.
  public var name: String { "huber_loss" }

  /// Per-sample values.
  public func values(target: Tensor, prediction: Tensor) -> Tensor {
    let error = (prediction - target).abs()
    let quadratic = error.minimum(delta)
    let linear = error - quadratic
    return (quadratic.square() * 0.5 + linear * delta).mean(alongAxis: -1)
  }

  /// `delta`.
  public var configuration: Configuration {
    ["delta": delta, "reduction": reduction]
  }

  /// Rebuilds the loss; a missing key takes Keras's default.
  public init(configuration: Configuration) throws {
    self.init(
      delta: try configuration.value("delta", default: 1),
      reduction: try configuration.lossReduction())
  }
}

extension Loss where Self == Huber {
  /// The Huber loss with Keras's `delta = 1`.
  public static var huber: Huber { Huber() }

  /// The Huber loss with threshold `delta`.
  public static func huber(delta: Float) -> Huber { Huber(delta: delta) }
}
