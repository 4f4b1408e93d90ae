/// Marks padded time steps, Keras's `Masking`: a step of `[batch, steps, features]` whose
/// features all equal `maskValue` is masked (and zeroed), so the recurrent layers after it
/// skip it.
public final class Masking: MaskAwareLayer, Configurable {
  /// The layer's name in its model.
  public var name: String
  /// The value that marks padding (Keras default 0).
  public let maskValue: Float
  /// The input shape given with `inputShape:`, without the batch axis.
  public let declaredInputShape: [Int]?
  private var built = false

  /// Creates the layer.
  public init(maskValue: Float = 0, inputShape: [Int]? = nil, name: String = "") {
    self.maskValue = maskValue
    self.declaredInputShape = inputShape
    self.name = name
  }

  /// No weights.
  public var weights: [Weight] { [] }
  /// Built once it has seen an input shape.
  public var isBuilt: Bool { built }

  /// Nothing to create.
  public func build(inputShape: [Int], generator: inout RandomGenerator) throws {
    _ = try outputShape(forInputShape: inputShape)
    built = true
  }

  /// The input shape, which must be `[steps, features]`.
  public func outputShape(forInputShape inputShape: [Int]) throws -> [Int] {
    guard inputShape.count == 2 else {
      throw StrataError(
        .shapeMismatch,
        "Layer '\(name)' (Masking) expects sequences of shape (batch, steps, features), received input shape \(batchShapeText(inputShape))"
      )
    }
    return inputShape
  }

  /// `input · mask`, with the mask `any(input != maskValue, axis: -1)` set for the next layers.
  public func call(_ input: Tensor, context: inout LayerContext) throws -> Tensor {
    _ = try outputShape(forInputShape: Array(input.shape.dropFirst()))
    let differs = input.detached.isEqual(to: Tensor(maskValue)).scaled(by: -1) + 1
    let mask = differs.max(alongAxis: -1)
    context.mask = mask
    return input * mask.expandingShape(at: -1)
  }
}

extension Masking {
  /// Keras's `mask_value`.
  public var configuration: Configuration { ["mask_value": maskValue] }

  /// Rebuilds the layer.
  public convenience init(configuration: Configuration) throws {
    self.init(maskValue: try configuration.value("mask_value", default: 0))
  }
}
