/// Scales each sample to unit L2 norm over `axes`, Keras's `UnitNormalization`:
/// `x · min(1/√(Σx²), 10¹²)` (Keras's `ops.normalize` with ε = 1e-12, so a zero vector stays
/// zero). No weights.
public final class UnitNormalization: Layer, MaskAwareLayer, Configurable {
  /// The layer's name in its model.
  public var name: String
  /// The axes normalised over, counted with the batch axis as Keras counts them (default
  /// `[-1]`, the features).
  public let axes: [Int]
  private var built = false

  /// Creates the layer over `axes` (Keras's `axis`, an int or a list).
  public init(axes: [Int] = [-1], name: String = "") {
    self.axes = axes
    self.name = name
  }

  /// The layer over one axis (Keras's `axis=-1`).
  public convenience init(axis: Int, name: String = "") {
    self.init(axes: [axis], name: name)
  }

  /// No weights.
  public var weights: [Weight] { [] }
  /// Built once it has seen an input shape.
  public var isBuilt: Bool { built }

  /// Nothing to create.
  public func build(inputShape: [Int], generator: inout RandomGenerator) throws { built = true }

  /// The input shape, unchanged; every axis must exist and none may be the batch axis.
  public func outputShape(forInputShape inputShape: [Int]) throws -> [Int] {
    _ = try resolvedAxes(rank: inputShape.count + 1)
    return inputShape
  }

  private func resolvedAxes(rank: Int) throws -> [Int] {
    let resolved = axes.map { $0 < 0 ? $0 + rank : $0 }
    guard !axes.isEmpty, resolved.allSatisfy({ (1..<rank).contains($0) }) else {
      throw StrataError(
        .invalidArgument,
        "Layer '\(name)' (UnitNormalization): axis \(axes) is out of range for inputs of rank \(rank) (the batch axis 0 may not be normalised)"
      )
    }
    return resolved
  }

  /// `x · min(rsqrt(Σ x² over axes), 1e12)`.
  public func call(_ input: Tensor, context: inout LayerContext) throws -> Tensor {
    let axes = try resolvedAxes(rank: input.rank)
    let squareSum = input.square().sum(alongAxes: axes, keepingDims: true)
    let inverseNorm = (1 / squareSum.sqrt()).minimum(1e12)
    return input * inverseNorm
  }

  /// Keras's `axis`: an int for one axis, else a list.
  public var configuration: Configuration {
    axes.count == 1 ? ["axis": axes[0]] : ["axis": axes]
  }

  /// Rebuilds the layer from `axis`, an int or a list.
  public convenience init(configuration: Configuration) throws {
    if case .array = configuration["axis"] {
      self.init(axes: try configuration.value("axis"))
    } else {
      self.init(axis: try configuration.value("axis", default: -1))
    }
  }
}
