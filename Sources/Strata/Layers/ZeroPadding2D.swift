/// Zero rows above and below and zero columns left and right of channels-last images, Keras's
/// `ZeroPadding2D`: `ZeroPadding2D(padding: 1)`, `ZeroPadding2D(padding: [1, 2])` (rows, columns
/// on both sides), or `ZeroPadding2D(top: 1, bottom: 0, left: 2, right: 2)`.
public final class ZeroPadding2D: Layer, Configurable {
  /// The layer's name in its model.
  public var name: String
  /// Zeros added `[top, bottom, left, right]`.
  public let padding: [Int]
  /// The input shape given with `inputShape:`, without the batch axis.
  public let declaredInputShape: [Int]?
  private var built = false

  /// The same number of zero rows on both sides, and of zero columns on both sides: `1` or
  /// `[rows, columns]` (Keras's default 1).
  public init(padding: SpatialSize = 1, inputShape: [Int]? = nil, name: String = "") {
    let sides = padding.resolved(2)
    self.padding = sides.count == 2 ? [sides[0], sides[0], sides[1], sides[1]] : sides
    self.declaredInputShape = inputShape
    self.name = name
  }

  /// Zeros on each side.
  public init(
    top: Int, bottom: Int, left: Int, right: Int, inputShape: [Int]? = nil, name: String = ""
  ) {
    self.padding = [top, bottom, left, right]
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

  /// `[height + top + bottom, width + left + right, channels]`.
  public func outputShape(forInputShape inputShape: [Int]) throws -> [Int] {
    guard padding.count == 4, padding.allSatisfy({ $0 >= 0 }) else {
      throw StrataError(
        .invalidArgument,
        "Layer '\(name)' (ZeroPadding2D): `padding` must be 1 or 2 non-negative integers, or top, bottom, left and right. Received: \(padding)"
      )
    }
    let channels = try imageChannels(inputShape, rank: 3, layer: name, type: "ZeroPadding2D")
    return [
      inputShape[0] + padding[0] + padding[1], inputShape[1] + padding[2] + padding[3], channels,
    ]
  }

  /// The padded images.
  public func call(_ input: Tensor, context: inout LayerContext) throws -> Tensor {
    _ = try outputShape(forInputShape: Array(input.shape.dropFirst()))
    return input.zeroPadded2D(padding)
  }

  /// Keras's `padding` as `[[top, bottom], [left, right]]`.
  public var configuration: Configuration {
    ["padding": [[padding[0], padding[1]], [padding[2], padding[3]]]]
  }

  /// Rebuilds the layer from `[[top, bottom], [left, right]]` (or Keras's shorter forms).
  public convenience init(configuration: Configuration) throws {
    if let pairs = try? configuration.value("padding", as: [[Int]].self), pairs.count == 2,
      pairs.allSatisfy({ $0.count == 2 })
    {
      self.init(top: pairs[0][0], bottom: pairs[0][1], left: pairs[1][0], right: pairs[1][1])
    } else {
      self.init(padding: try configuration.value("padding", default: 1))
    }
  }
}
