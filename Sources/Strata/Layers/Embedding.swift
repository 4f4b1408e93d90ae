/// A table of learned vectors looked up by integer id, Keras's `Embedding`: token ids
/// `[batch, steps]` (whole numbers stored as `Float`) become `[batch, steps, outputDim]`.
///
/// With `maskZero`, id 0 is padding: the layer sets the time-step mask (``LayerContext/mask``)
/// to `id != 0`, so the recurrent layers after it leave their state unchanged on padded
/// steps, as in Keras. The table is `[inputDim, outputDim]`; its gradient is added into the
/// rows that were looked up.
public final class Embedding: MaskAwareLayer, Configurable {
  /// The layer's name in its model.
  public var name: String
  /// The number of ids: valid ids are `0 ..< inputDim`.
  public let inputDim: Int
  /// The length of each vector.
  public let outputDim: Int
  /// Whether id 0 is padding that masks its time step.
  public let maskZero: Bool
  /// How the table is initialised (Keras default: uniform in ±0.05).
  public let embeddingsInitializer: Initializer
  /// The table's penalty.
  public let embeddingsRegularizer: Regularizer?
  /// The input shape given with `inputShape:`, without the batch axis.
  public let declaredInputShape: [Int]?

  /// The `[inputDim, outputDim]` table, once built.
  public private(set) var embeddings: Weight?

  /// Creates an embedding of `inputDim` ids into vectors of `outputDim`.
  public init(
    inputDim: Int, outputDim: Int, maskZero: Bool = false,
    embeddingsInitializer: Initializer = .randomUniform(),
    embeddingsRegularizer: Regularizer? = nil, inputShape: [Int]? = nil, name: String = ""
  ) {
    self.inputDim = inputDim
    self.outputDim = outputDim
    self.maskZero = maskZero
    self.embeddingsInitializer = embeddingsInitializer
    self.embeddingsRegularizer = embeddingsRegularizer
    self.declaredInputShape = inputShape
    self.name = name
  }

  /// `[embeddings]`.
  public var weights: [Weight] { embeddings.map { [$0] } ?? [] }

  /// Whether the table exists.
  public var isBuilt: Bool { embeddings != nil }

  /// Creates the table.
  public func build(inputShape: [Int], generator: inout RandomGenerator) throws {
    _ = try outputShape(forInputShape: inputShape)
    let value = try embeddingsInitializer([inputDim, outputDim], generator: &generator)
    embeddings = Weight(name: "embeddings", value: value, regularizer: embeddingsRegularizer)
  }

  /// The input shape with `outputDim` appended.
  public func outputShape(forInputShape inputShape: [Int]) throws -> [Int] {
    guard inputDim > 0, outputDim > 0 else {
      throw StrataError(
        .invalidArgument,
        "Layer '\(name)' (Embedding): both `input_dim` and `output_dim` should be positive, received input_dim=\(inputDim) and output_dim=\(outputDim)"
      )
    }
    return inputShape + [outputDim]
  }

  /// `embeddings: [inputDim, outputDim]`.
  public func weightShapes(forInputShape inputShape: [Int]) throws -> [String: [Int]]? {
    _ = try outputShape(forInputShape: inputShape)
    return ["embeddings": [inputDim, outputDim]]
  }

  /// The rows of the table at the input's ids; throws a ``StrataError`` naming the first id
  /// that is not a whole number in `0 ..< inputDim`.
  public func call(_ input: Tensor, context: inout LayerContext) throws -> Tensor {
    guard let embeddings else { throw unbuiltLayerError(self) }
    var ids = [Int]()
    ids.reserveCapacity(input.scalarCount)
    for (position, value) in input.scalars.enumerated() {
      guard value >= 0, value < Float(inputDim), value.rounded(.towardZero) == value else {
        throw StrataError(
          .invalidData,
          "Layer '\(name)' (Embedding): id \(value) at position \(position) of the input is not a whole number in 0..<\(inputDim) (inputDim \(inputDim))"
        )
      }
      ids.append(Int(value))
    }
    if maskZero {
      context.mask = input.rank == 2 ? input.isGreater(than: 0) : nil
    }
    return context[embeddings].gatheringRows(ids).reshaped(to: input.shape + [outputDim])
  }
}

extension Embedding {
  /// Keras's `input_dim`, `output_dim`, `embeddings_initializer`, `embeddings_regularizer`
  /// and `mask_zero`.
  public var configuration: Configuration {
    [
      "input_dim": inputDim, "output_dim": outputDim, "mask_zero": maskZero,
      "embeddings_initializer": embeddingsInitializer,
      "embeddings_regularizer": embeddingsRegularizer,
    ]
  }

  /// Rebuilds the layer; missing keys take Keras's defaults.
  public convenience init(configuration: Configuration) throws {
    self.init(
      inputDim: try configuration.value("input_dim"),
      outputDim: try configuration.value("output_dim"),
      maskZero: try configuration.value("mask_zero", default: false),
      embeddingsInitializer: try configuration.value(
        "embeddings_initializer", default: .randomUniform()),
      embeddingsRegularizer: try configuration.value("embeddings_regularizer"))
  }
}
