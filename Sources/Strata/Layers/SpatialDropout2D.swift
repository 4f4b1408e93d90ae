/// Dropout of whole channels, Keras's `SpatialDropout2D`: in training each channel of each
/// image is zeroed with probability `rate` and the kept ones scaled by `1 / (1 − rate)`; in
/// inference it is the identity. Neighbouring pixels of a feature map are strongly correlated,
/// so dropping single values regularises little; dropping a map does.
public final class SpatialDropout2D: Layer, Configurable {
  /// The layer's name in its model.
  public var name: String
  /// The fraction of channels dropped in training, in `[0, 1]`.
  public let rate: Float
  /// A seed for this layer's own mask stream; without one, masks come from the model's seed.
  public let seed: UInt64?
  /// The input shape given with `inputShape:`, without the batch axis.
  public let declaredInputShape: [Int]?
  private var noise: NoiseStream
  private var built = false

  /// Creates the layer.
  public init(rate: Float, seed: UInt64? = nil, inputShape: [Int]? = nil, name: String = "") {
    self.rate = rate
    self.seed = seed
    self.declaredInputShape = inputShape
    self.name = name
    self.noise = NoiseStream(seed: seed)
  }

  /// No weights.
  public var weights: [Weight] { [] }
  /// Built once it has seen an input shape.
  public var isBuilt: Bool { built }

  /// Checks the shape; nothing to create.
  public func build(inputShape: [Int], generator: inout RandomGenerator) throws {
    _ = try outputShape(forInputShape: inputShape)
    built = true
  }

  /// The input shape, unchanged.
  public func outputShape(forInputShape inputShape: [Int]) throws -> [Int] {
    guard rate >= 0 && rate <= 1 else {
      throw StrataError(
        .invalidArgument,
        "Layer '\(name)' (SpatialDropout2D): invalid value received for argument `rate`. Expected a float value between 0 and 1. Received: rate=\(rate)"
      )
    }
    _ = try imageChannels(inputShape, rank: 3, layer: name, type: "SpatialDropout2D")
    return inputShape
  }

  /// `x · mask` with one Bernoulli(1 − rate) draw per image and channel, in training.
  public func call(_ input: Tensor, context: inout LayerContext) throws -> Tensor {
    _ = try outputShape(forInputShape: Array(input.shape.dropFirst()))
    guard context.isTraining, rate > 0 else { return input }
    if rate >= 1 { return input * 0 }
    let keep = 1 - rate
    let maskShape = [input.shape[0], 1, 1, input.shape[3]]
    let mask = noise.draw(&context) {
      Tensor.bernoulli(maskShape, probability: keep, value: 1 / keep, generator: &$0)
    }
    return input * mask
  }

  /// Keras's `rate` and `seed`.
  public var configuration: Configuration { ["rate": rate, "seed": seed] }

  /// Rebuilds the layer.
  public convenience init(configuration: Configuration) throws {
    self.init(rate: try configuration.value("rate"), seed: try configuration.value("seed"))
  }
}
