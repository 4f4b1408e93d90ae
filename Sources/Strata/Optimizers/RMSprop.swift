import Foundation

/// RMSprop, Keras's `RMSprop` (the default optimizer of `compile`).
///
/// `a = ρa + (1−ρ)g²`; centred: `ḡ = ρḡ + (1−ρ)g`, `d = a − ḡ² + ε`, else `d = a + ε`;
/// `Δ = lr·g/√d`; with momentum `mom = μ·mom + Δ`, `w −= mom`, else `w −= Δ`.
/// Note ε sits inside the square root, as in Keras.
public final class RMSprop: Optimizer {
  /// The decay `ρ` of the squared-gradient average (Keras default 0.9).
  public let rho: Float
  /// Momentum (Keras default 0).
  public let momentum: Float
  /// Added inside the square root (Keras default 1e-7).
  public let epsilon: Float
  /// Whether to normalise by the variance instead of the second moment.
  public let centered: Bool

  /// Creates RMSprop with Keras's defaults (`learningRate: 0.001`).
  public init(
    learningRate: Float = 0.001, rho: Float = 0.9, momentum: Float = 0, epsilon: Float = 1e-7,
    centered: Bool = false, clipNorm: Float? = nil, clipValue: Float? = nil,
    globalClipNorm: Float? = nil, weightDecay: Float? = nil, decay: Float = 0
  ) {
    self.rho = rho
    self.momentum = momentum
    self.epsilon = epsilon
    self.centered = centered
    super.init(
      name: "rmsprop", learningRate: learningRate, clipNorm: clipNorm, clipValue: clipValue,
      globalClipNorm: globalClipNorm, weightDecay: weightDecay, decay: decay)
  }

  /// Slots: the squared average, the momentum buffer, the gradient average.
  public override var slotCount: Int { 3 }

  /// The RMSprop rule.
  public override func update(
    parameter: UnsafeMutableBufferPointer<Float>, gradient: UnsafeBufferPointer<Float>,
    slots: [UnsafeMutableBufferPointer<Float>], learningRate lr: Float, step: Int
  ) {
    let p = parameter.baseAddress!
    let g = gradient.baseAddress!
    let (average, velocity, meanGradient) = (
      slots[0].baseAddress!, slots[1].baseAddress!, slots[2].baseAddress!
    )
    let (rho, momentum, epsilon, centered) = (self.rho, self.momentum, self.epsilon, self.centered)
    @inline(__always) func advance<V: Lanes>(_ type: V.Type, _ i: Int) {
      let gi = V.load(g + i)
      let a = V(broadcasting: rho) * V.load(average + i) + V(broadcasting: 1 - rho) * gi * gi
      a.store(average + i)
      var denominator = a
      if centered {
        let mean = V(broadcasting: rho) * V.load(meanGradient + i) + V(broadcasting: 1 - rho) * gi
        mean.store(meanGradient + i)
        denominator = denominator - mean * mean
      }
      let increment =
        V(broadcasting: lr) * gi / (denominator + V(broadcasting: epsilon)).squareRootOfLanes()
      if momentum > 0 {
        let v = V(broadcasting: momentum) * V.load(velocity + i) + increment
        v.store(velocity + i)
        (V.load(p + i) - v).store(p + i)
      } else {
        (V.load(p + i) - increment).store(p + i)
      }
    }
    forEachLane(
      parameter.count, wide: { advance(SIMD8<Float>.self, $0) }, narrow: { advance(Float.self, $0) }
    )
  }
}

extension Optimizer {
  /// RMSprop with Keras's defaults.
  public static var rmsprop: Optimizer { RMSprop() }

  /// RMSprop.
  public static func rmsprop(
    learningRate: Float = 0.001, rho: Float = 0.9, momentum: Float = 0, epsilon: Float = 1e-7,
    centered: Bool = false
  ) -> Optimizer {
    RMSprop(
      learningRate: learningRate, rho: rho, momentum: momentum, epsilon: epsilon, centered: centered
    )
  }
}
