/// Inverted dropout, Keras's `Dropout`: in training, each value is zeroed with probability
/// `rate` and the survivors are scaled by `1 / (1 − rate)`; in inference it is the identity.
public final class Dropout: Layer, MaskAwareLayer, Configurable {
  /// The layer's name in its model.
  public var name: String
  /// The fraction of values dropped in training, in `[0, 1]`.
  public let rate: Float
  /// A seed for this layer's own mask stream; without one, masks come from the model's seed.
  public let seed: UInt64?
  /// The shape of the mask, batch axis first, `nil` entries taken from the input (Keras's
  /// `noise_shape`): `[nil, 1, nil]` drops the same features at every time step. The mask is
  /// broadcast over its axes of size 1. `nil`: one draw per value.
  public let noiseShape: [Int?]?
  private var noise: NoiseStream
  private var built = false

  /// Creates a dropout layer. A `rate` outside `[0, 1]` is reported by the model, as a
  /// ``StrataError``, when it is built.
  public init(rate: Float, noiseShape: [Int?]? = nil, seed: UInt64? = nil, name: String = "") {
    self.rate = rate
    self.noiseShape = noiseShape
    self.seed = seed
    self.name = name
    self.noise = NoiseStream(seed: seed)
  }

  /// No weights.
  public var weights: [Weight] { [] }
  /// Built once it has seen an input shape.
  public var isBuilt: Bool { built }

  /// Nothing to create.
  public func build(inputShape: [Int], generator: inout RandomGenerator) throws { built = true }

  /// The input shape, unchanged.
  public func outputShape(forInputShape inputShape: [Int]) throws -> [Int] {
    guard rate >= 0 && rate <= 1 else {
      throw StrataError(
        .invalidArgument,
        "Layer '\(name)' (Dropout): invalid value received for argument `rate`. Expected a float value between 0 and 1. Received: rate=\(rate)"
      )
    }
    if let noiseShape {
      let fits =
        noiseShape.count == inputShape.count + 1
        && zip(noiseShape.dropFirst(), inputShape).allSatisfy { $0 == nil || $0 == 1 || $0 == $1 }
      guard fits, noiseShape.allSatisfy({ ($0 ?? 1) >= 1 }) else {
        throw StrataError(
          .invalidArgument,
          "Layer '\(name)' (Dropout): `noise_shape` \(noiseShape.map { $0.map(String.init) ?? "None" }) does not broadcast to inputs of shape \(batchShapeText(inputShape)): it needs one entry per axis, the batch axis first, each None, 1 or the input's size"
        )
      }
    }
    return inputShape
  }

  /// `where(mask, x / (1 − rate), 0)` with `mask ~ Bernoulli(1 − rate)` in training.
  public func call(_ input: Tensor, context: inout LayerContext) throws -> Tensor {
    guard context.isTraining, rate > 0 else { return input }
    if rate >= 1 { return input * 0 }
    if let batch = noiseShape?.first ?? nil, batch != 1, batch != input.shape[0] {
      throw StrataError(
        .invalidArgument,
        "Layer '\(name)' (Dropout): `noise_shape` fixes the batch axis at \(batch), the batch has \(input.shape[0]) samples"
      )
    }
    let keep = 1 - rate
    let maskShape =
      noiseShape.map { shape in
        shape.enumerated().map { axis, size in size ?? input.shape[axis] }
      } ?? input.shape
    let mask = noise.draw(&context) {
      Tensor.bernoulli(maskShape, probability: keep, value: 1 / keep, generator: &$0)
    }
    // Kept entries are scaled by 1 / keep, as Keras does, so the expected sum is unchanged.
    return input * mask
  }
}

extension Dropout {
  /// Keras's `rate`, `noise_shape` and `seed`.
  public var configuration: Configuration {
    ["rate": rate, "noise_shape": noiseShape, "seed": seed]
  }

  /// Rebuilds the layer.
  public convenience init(configuration: Configuration) throws {
    self.init(
      rate: try configuration.value("rate"), noiseShape: try configuration.value("noise_shape"),
      seed: try configuration.value("seed"))
  }
}
