/// Multiplicative Gaussian noise in training, Keras's `GaussianDropout`: `x · N(1, σ²)` with
/// `σ = √(rate / (1 − rate))`, the noise whose variance matches dropout at `rate`; the
/// identity in inference.
public final class GaussianDropout: Layer, MaskAwareLayer, Configurable {
  /// The layer's name in its model.
  public var name: String
  /// The dropout rate the noise stands for, in `[0, 1]`.
  public let rate: Float
  /// A seed for this layer's own noise; without one, noise comes from the model's seed.
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
      throw noiseArgumentError(name, "GaussianDropout", "rate", rate)
    }
    return inputShape
  }

  /// `x · N(1, rate / (1 − rate))` in training.
  public func call(_ input: Tensor, context: inout LayerContext) throws -> Tensor {
    guard context.isTraining, rate > 0 else { return input }
    // In double, as Keras's `math.sqrt`, then rounded once.
    let deviation = Float((Double(rate) / (1 - Double(rate))).squareRoot())
    let factor = noise.draw(&context) {
      Tensor.normal(input.shape, mean: 1, standardDeviation: deviation, generator: &$0)
    }
    return input * factor
  }

  /// Keras's `rate` and `seed`.
  public var configuration: Configuration { ["rate": rate, "seed": seed] }

  /// Rebuilds the layer.
  public convenience init(configuration: Configuration) throws {
    self.init(rate: try configuration.value("rate"), seed: try configuration.value("seed"))
  }
}
