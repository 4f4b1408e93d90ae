/// Reshapes each sample to `targetShape`, Keras's `Reshape`: `(batch, …)` →
/// `(batch, *targetShape)`. One entry may be `-1`, inferred from the others.
public final class Reshape: Layer, Configurable {
  /// The layer's name in its model.
  public var name: String
  /// The per-sample shape, without the batch axis; at most one `-1`.
  public let targetShape: [Int]
  /// The input shape given with `inputShape:`, without the batch axis.
  public let declaredInputShape: [Int]?
  private var built = false

  /// Creates the layer.
  public init(targetShape: [Int], inputShape: [Int]? = nil, name: String = "") {
    self.targetShape = targetShape
    self.declaredInputShape = inputShape
    self.name = name
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

  /// `targetShape` with its `-1` resolved; throws unless the sizes multiply out.
  public func outputShape(forInputShape inputShape: [Int]) throws -> [Int] {
    let unknown = targetShape.indices.filter { targetShape[$0] == -1 }
    let size = inputShape.reduce(1) { $0.multipliedReportingOverflow(by: $1).partialValue }
    guard unknown.count <= 1, targetShape.allSatisfy({ $0 > 0 || $0 == -1 }) else {
      throw StrataError(
        .invalidArgument,
        "Layer '\(name)' (Reshape): `targetShape` may hold positive sizes and at most one -1. Received: targetShape=\(targetShape)"
      )
    }
    let known = targetShape.filter { $0 != -1 }.reduce(1) {
      $0.multipliedReportingOverflow(by: $1).partialValue
    }
    guard known > 0, unknown.isEmpty ? known == size : size % known == 0 else {
      throw StrataError(
        .shapeMismatch,
        "Layer '\(name)' (Reshape): the input shape \(batchShapeText(inputShape)) holds \(size) values per sample, which cannot be reshaped to \(batchShapeText(targetShape))"
      )
    }
    var resolved = targetShape
    if let index = unknown.first { resolved[index] = size / known }
    return resolved
  }

  /// The batch reshaped.
  public func call(_ input: Tensor, context: inout LayerContext) throws -> Tensor {
    let shape = try outputShape(forInputShape: Array(input.shape.dropFirst()))
    return input.reshaped(to: [input.shape.first ?? 1] + shape)
  }

  /// Keras's `target_shape`.
  public var configuration: Configuration { ["target_shape": targetShape] }

  /// Rebuilds the layer.
  public convenience init(configuration: Configuration) throws {
    self.init(targetShape: try configuration.value("target_shape"))
  }
}
