import Foundation

/// Cosine decay with warm restarts (SGDR, Loshchilov & Hutter 2017), Keras's
/// `CosineDecayRestarts`: the rate follows a cosine from `initialLearningRate` down to
/// `alpha · initialLearningRate` over `firstDecaySteps`, then restarts; each period is `tMul`
/// times longer than the one before and starts `mMul` times lower.
///
/// At step `t`, with `f = t / firstDecaySteps`: when `tMul` is 1, period `i = ⌊f⌋` and the
/// fraction through it `f − i`; otherwise `i = ⌊log(1 − f(1 − tMul)) / log tMul⌋` and the
/// fraction `(f − (1 − tMulⁱ)/(1 − tMul)) / tMulⁱ`. The rate is
/// `initialLearningRate · ((1 − alpha) · ½ mMulⁱ (1 + cos(π · fraction)) + alpha)`.
public struct CosineDecayRestarts: LearningRateSchedule {
  /// The rate at step 0.
  public var initialLearningRate: Float
  /// The length of the first period.
  public var firstDecaySteps: Int
  /// How much longer each period is than the one before (Keras default 2).
  public var tMul: Float
  /// How much lower each period starts than the one before (Keras default 1).
  public var mMul: Float
  /// The floor as a fraction of the period's peak (Keras default 0).
  public var alpha: Float

  /// Creates the schedule with Keras's defaults.
  public init(
    initialLearningRate: Float, firstDecaySteps: Int, tMul: Float = 2, mMul: Float = 1,
    alpha: Float = 0
  ) {
    self.initialLearningRate = initialLearningRate
    self.firstDecaySteps = firstDecaySteps
    self.tMul = tMul
    self.mMul = mMul
    self.alpha = alpha
  }

  /// The rate at `step`, computed in float32 as Keras does.
  public func rate(at step: Int) -> Float {
    var fraction = Float(step) / Float(firstDecaySteps)
    let restart: Float
    if tMul == 1 {
      restart = fraction.rounded(.down)
      fraction -= restart
    } else {
      restart = (Foundation.log(1 - fraction * (1 - tMul)) / Foundation.log(tMul)).rounded(.down)
      let elapsed = (1 - Foundation.pow(tMul, restart)) / (1 - tMul)
      fraction = (fraction - elapsed) / Foundation.pow(tMul, restart)
    }
    let cosine = 0.5 * Foundation.pow(mMul, restart) * (1 + Foundation.cos(Float.pi * fraction))
    return initialLearningRate * ((1 - alpha) * cosine + alpha)
  }

  /// Throws unless `firstDecaySteps` is positive and the factors finite and positive.
  public func validate() throws {
    try validateDecaySteps(firstDecaySteps, in: "CosineDecayRestarts")
    try validateFinite(
      ["initialLearningRate": initialLearningRate, "tMul": tMul, "mMul": mMul, "alpha": alpha],
      in: "CosineDecayRestarts")
    guard tMul > 0, mMul > 0 else {
      throw StrataError(
        .invalidArgument,
        "CosineDecayRestarts: `tMul` and `mMul` must be positive. Received: tMul=\(tMul), mMul=\(mMul)"
      )
    }
  }

  /// Keras's `initial_learning_rate`, `first_decay_steps`, `t_mul`, `m_mul` and `alpha`.
  public var configuration: Configuration {
    [
      "initial_learning_rate": initialLearningRate, "first_decay_steps": firstDecaySteps,
      "t_mul": tMul, "m_mul": mMul, "alpha": alpha,
    ]
  }

  /// Rebuilds the schedule; missing optional keys take Keras's defaults.
  public init(configuration: Configuration) throws {
    self.init(
      initialLearningRate: try configuration.value("initial_learning_rate"),
      firstDecaySteps: try configuration.value("first_decay_steps"),
      tMul: try configuration.value("t_mul", default: 2),
      mMul: try configuration.value("m_mul", default: 1),
      alpha: try configuration.value("alpha", default: 0))
  }
}
