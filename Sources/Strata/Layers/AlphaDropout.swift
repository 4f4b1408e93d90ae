/// Dropout for self-normalising networks (SELU), Keras's `AlphaDropout`: in training each value
/// is kept with probability `1 − rate` or set to SELU's negative saturation `α' = −λα`, then
/// `a · x + b` restores the mean and variance, with `a = ((1 − rate)(1 + rate·α'²))^(−1/2)` and
/// `b = −a·α'·rate`; the identity in inference.
public final class AlphaDropout: Layer, MaskAwareLayer, Configurable {
  /// The layer's name in its model.
  public var name: String
  /// The fraction of values dropped in training, in `[0, 1]`.
  public let rate: Float
  /// A seed for this layer's own masks; without one, masks come from the model's seed.
  public let seed: UInt64?
  private var noise: NoiseStream
  private var built = false

  /// Creates the layer. A `rate` outside `[0, 1]` is reported by the model, as a
  /// ``StrataError``, when it is built.
  public init(rate: Float, seed: UInt64? = nil, name: String = "") {
    self.rate = rate
    self.seed = seed
    self.name = name
    noise = NoiseStream(seed: seed)
  }

  /// No weights.
  public var weights: [Weight] { [] }
  /// Built once it has seen an input shape.
  public var isBuilt: Bool { built }

  /// Nothing to create.
  public func build(inputShape: [Int], generator: inout RandomGenerator) throws { built = true }

  /// The input shape, unchanged.
  public func outputShape(forInputShape inputShape: [Int]) throws -> [Int] {
    guard (0...1).contains(rate) else {
      throw noiseArgumentError(name, "AlphaDropout", "rate", rate)
    }
    return inputShape
  }

  /// `a · (kept ? x : α') + b` in training, `kept ~ uniform ≥ rate`.
  public func call(_ input: Tensor, context: inout LayerContext) throws -> Tensor {
    guard context.isTraining, rate > 0 else { return input }
    // Keras's constants and arithmetic, in double, rounded once.
    let saturation =
      -Double(ElementwiseActivation.seluAlpha) * Double(ElementwiseActivation.seluScale)
    let p = Double(rate)
    let a = 1 / ((1 - p) * (1 + p * saturation * saturation)).squareRoot()
    let b = -a * saturation * p
    let uniform = noise.draw(&context) { Tensor.uniform(input.shape, generator: &$0) }
    let kept = uniform.isGreaterOrEqual(to: Tensor(rate))
    let x = input * kept + (1 - kept) * Float(saturation)
    return x * Float(a) + Float(b)
  }

  /// Keras's `rate` and `seed`.
  public var configuration: Configuration { ["rate": rate, "seed": seed] }

  /// Rebuilds the layer.
  public convenience init(configuration: Configuration) throws {
    self.init(rate: try configuration.value("rate"), seed: try configuration.value("seed"))
  }
}
