/// Additive zero-centred Gaussian noise in training, Keras's `GaussianNoise`: `x + N(0, σ²)`
/// with `σ = stddev`; the identity in inference. A regulariser for real-valued inputs.
public final class GaussianNoise: Layer, MaskAwareLayer, Configurable {
  /// The layer's name in its model.
  public var name: String
  /// The noise's standard deviation, in `[0, 1]`.
  public let stddev: Float
  /// A seed for this layer's own noise; without one, noise comes from the model's seed.
  public let seed: UInt64?
  private var noise: NoiseStream
  private var built = false

  /// Creates the layer. A `stddev` outside `[0, 1]` is reported by the model, as a
  /// ``StrataError``, when it is built.
  public init(stddev: Float, seed: UInt64? = nil, name: String = "") {
    self.stddev = stddev
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
    guard (0...1).contains(stddev) else {
      throw noiseArgumentError(name, "GaussianNoise", "stddev", stddev)
    }
    return inputShape
  }

  /// `x + N(0, stddev²)` in training.
  public func call(_ input: Tensor, context: inout LayerContext) throws -> Tensor {
    guard context.isTraining, stddev > 0 else { return input }
    let sample = noise.draw(&context) {
      Tensor.normal(input.shape, standardDeviation: stddev, generator: &$0)
    }
    return input + sample
  }

  /// Keras's `stddev` and `seed`.
  public var configuration: Configuration { ["stddev": stddev, "seed": seed] }

  /// Rebuilds the layer.
  public convenience init(configuration: Configuration) throws {
    self.init(stddev: try configuration.value("stddev"), seed: try configuration.value("seed"))
  }
}
