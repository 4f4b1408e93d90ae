/// Stochastic gradient descent, optionally with (Nesterov) momentum, Keras's `SGD`.
///
/// Without momentum `w −= lr·g`. With momentum `m = μm − lr·g`, then `w += m`, or with
/// Nesterov `w += μm − lr·g` using the new `m`.
public final class SGD: Optimizer {
  /// The shared options and state.
  public let core: OptimizerCore
  /// The momentum `μ` in `[0, 1]` (Keras default 0).
  public let momentum: Float
  /// Whether to use Nesterov momentum.
  public let nesterov: Bool

  /// Creates SGD with Keras's defaults (`learningRate: 0.01`).
  public convenience init(
    learningRate: Float = 0.01, momentum: Float = 0, nesterov: Bool = false,
    clipNorm: Float? = nil, clipValue: Float? = nil, globalClipNorm: Float? = nil,
    weightDecay: Float? = nil, decay: Float = 0, useEMA: Bool = false, emaMomentum: Float = 0.99,
    emaOverwriteFrequency: Int? = nil,
    gradientAccumulationSteps: Int? = nil
  ) {
    self.init(
      core: OptimizerCore(
        name: "sgd", learningRate: learningRate, clipNorm: clipNorm, clipValue: clipValue,
        globalClipNorm: globalClipNorm, weightDecay: weightDecay, decay: decay, useEMA: useEMA,
        emaMomentum: emaMomentum,
        emaOverwriteFrequency: emaOverwriteFrequency,
        gradientAccumulationSteps: gradientAccumulationSteps),
      momentum: momentum, nesterov: nesterov)
  }

  init(core: OptimizerCore, momentum: Float, nesterov: Bool) {
    self.core = core
    self.momentum = momentum
    self.nesterov = nesterov
  }

  /// One velocity slot when momentum is used.
  public var slotCount: Int { momentum != 0 ? 1 : 0 }

  /// Throws unless `momentum` is in `[0, 1]`.
  public func validateArguments() throws {
    guard momentum >= 0 && momentum <= 1 else {
      throw StrataError(
        .invalidArgument,
        "`momentum` must be a float between [0, 1]. Received: momentum=\(momentum)")
    }
  }

  /// The SGD rule.
  public func update(
    parameter: UnsafeMutableBufferPointer<Float>, gradient: UnsafeBufferPointer<Float>,
    slots: [UnsafeMutableBufferPointer<Float>], learningRate lr: Float, step: Int
  ) {
    OptimizerUpdate.sgd(
      parameter: parameter, gradient: gradient, velocity: momentum == 0 ? nil : slots[0],
      learningRate: lr, momentum: momentum, nesterov: nesterov)
  }

  /// The shared options, `momentum` and `nesterov`.
  public var configuration: Configuration {
    core.configuration.merging(["momentum": momentum, "nesterov": nesterov])
  }

  /// Rebuilds SGD; missing keys take Keras's defaults.
  public convenience init(configuration: Configuration) throws {
    self.init(
      core: try OptimizerCore(configuration: configuration, name: "sgd", learningRate: 0.01),
      momentum: try configuration.value("momentum", default: 0),
      nesterov: try configuration.value("nesterov", default: false))
  }
}

extension Optimizer where Self == SGD {
  /// SGD with Keras's defaults.
  public static var sgd: SGD { SGD() }

  /// SGD with every argument of its initializer (Keras's `keras.optimizers.SGD`; the
  /// `decay` argument Keras 3 ignores is left out).
  public static func sgd(
    learningRate: Float = 0.01, momentum: Float = 0, nesterov: Bool = false, clipNorm: Float? = nil,
    clipValue: Float? = nil, globalClipNorm: Float? = nil, weightDecay: Float? = nil,
    useEMA: Bool = false, emaMomentum: Float = 0.99, emaOverwriteFrequency: Int? = nil,
    gradientAccumulationSteps: Int? = nil
  ) -> SGD {
    SGD(
      learningRate: learningRate, momentum: momentum, nesterov: nesterov, clipNorm: clipNorm,
      clipValue: clipValue, globalClipNorm: globalClipNorm, weightDecay: weightDecay,
      useEMA: useEMA, emaMomentum: emaMomentum,
      emaOverwriteFrequency: emaOverwriteFrequency,
      gradientAccumulationSteps: gradientAccumulationSteps)
  }
}
