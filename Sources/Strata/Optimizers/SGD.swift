/// Stochastic gradient descent, optionally with (Nesterov) momentum, Keras's `SGD`.
///
/// Without momentum `w −= lr·g`. With momentum `m = μm − lr·g`, then `w += m`, or with
/// Nesterov `w += μm − lr·g` using the new `m`.
public final class SGD: Optimizer {
  /// The momentum `μ` in `[0, 1]` (Keras default 0).
  public let momentum: Float
  /// Whether to use Nesterov momentum.
  public let nesterov: Bool

  /// Creates SGD with Keras's defaults (`learningRate: 0.01`).
  public init(
    learningRate: Float = 0.01, momentum: Float = 0, nesterov: Bool = false,
    clipNorm: Float? = nil, clipValue: Float? = nil, globalClipNorm: Float? = nil,
    weightDecay: Float? = nil, decay: Float = 0
  ) {
    self.momentum = momentum
    self.nesterov = nesterov
    super.init(
      name: "sgd", learningRate: learningRate, clipNorm: clipNorm, clipValue: clipValue,
      globalClipNorm: globalClipNorm, weightDecay: weightDecay, decay: decay)
  }

  /// One velocity slot when momentum is used.
  public override var slotCount: Int { momentum != 0 ? 1 : 0 }

  override func validate() throws {
    try super.validate()
    guard momentum >= 0 && momentum <= 1 else {
      throw StrataError(
        .invalidArgument,
        "`momentum` must be a float between [0, 1]. Received: momentum=\(momentum)")
    }
  }

  /// The SGD rule.
  public override func update(
    parameter: UnsafeMutableBufferPointer<Float>, gradient: UnsafeBufferPointer<Float>,
    slots: [UnsafeMutableBufferPointer<Float>], learningRate lr: Float, step: Int
  ) {
    OptimizerUpdate.sgd(
      parameter: parameter, gradient: gradient, velocity: momentum == 0 ? nil : slots[0],
      learningRate: lr, momentum: momentum, nesterov: nesterov)
  }
}

extension Optimizer {
  /// SGD with Keras's defaults.
  public static var sgd: Optimizer { SGD() }

  /// Stochastic gradient descent.
  public static func sgd(
    learningRate: Float = 0.01, momentum: Float = 0, nesterov: Bool = false
  ) -> Optimizer {
    SGD(learningRate: learningRate, momentum: momentum, nesterov: nesterov)
  }
}
