import Foundation

/// A seeded pseudo-random generator that gives the same numbers on every platform.
///
/// The state advances with SplitMix64 (Steele, Lea & Flood, 2014), a 64-bit generator that
/// passes BigCrush and needs no platform randomness. Strata never reads the system generator,
/// so one seed reproduces weights, dropout masks and shuffles bit for bit.
public struct RandomGenerator: RandomNumberGenerator, Sendable {
  /// The whole state: `RandomGenerator(seed: g.state)` continues exactly where `g` is (a model
  /// file saves its generators so, and a resumed `fit` repeats the same shuffles and masks).
  public private(set) var state: UInt64
  /// SplitMix64's increment (the golden ratio in 64 bits); the bulk kernels use it too.
  private static let gamma: UInt64 = 0x9E37_79B9_7F4A_7C15

  /// Creates a generator whose sequence is fixed by `seed`.
  public init(seed: UInt64) {
    state = seed
  }

  /// Skips `count` draws and returns the state before them: draw i (from 1) of the block is
  /// the mix of `state + i·γ`, which the bulk kernels compute directly.
  mutating func takeDraws(_ count: Int) -> UInt64 {
    let start = state
    state &+= Self.gamma &* UInt64(count)
    return start
  }

  /// The next 64 random bits.
  public mutating func next() -> UInt64 {
    state &+= Self.gamma
    var z = state
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
  }

  /// A uniform `Float` in `[0, 1)` with 24 random bits.
  public mutating func nextUnitFloat() -> Float {
    Float(next() >> 40) * (1.0 / 16_777_216.0)
  }

  /// A standard normal sample (Box–Muller on two uniforms, computed in `Double`).
  public mutating func nextNormal() -> Float {
    let u1 = Double((next() >> 11) + 1) * (1.0 / 9_007_199_254_740_993.0)
    let u2 = Double(next() >> 11) * (1.0 / 9_007_199_254_740_992.0)
    return Float((-2 * log(u1)).squareRoot() * cos(2 * Double.pi * u2))
  }

  /// A uniform integer in `0..<upperBound`, unbiased (Lemire's method through the standard
  /// library's `next(upperBound:)`).
  public mutating func nextIndex(below upperBound: Int) -> Int {
    Int(next(upperBound: UInt64(upperBound)))
  }

  /// A new generator derived from this one, for a separate stream (for example one per layer).
  public mutating func split() -> RandomGenerator {
    RandomGenerator(seed: next())
  }
}
