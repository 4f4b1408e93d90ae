/// Reads a sequence both ways, Keras's `Bidirectional`: a copy of `layer` reads it backwards
/// (`goBackwards` flipped), and the two outputs are merged.
///
/// ```swift
/// Embedding(inputDim: 20, outputDim: 16, maskZero: true)
/// Bidirectional(LSTM(units: 32))            // [batch, 64]: forward and backward, concatenated
/// ```
///
/// With `returnSequences`, the backward outputs are put back in time order before merging and
/// masked steps output zeros (Keras forces `zero_output_for_mask` there). The weights are the
/// forward layer's, then the backward layer's.
public final class Bidirectional: MaskAwareLayer, Configurable {
  /// How the two directions' outputs are combined (Keras's `merge_mode`).
  public enum MergeMode: String, Sendable, CaseIterable {
    /// Joined along the last axis (`"concat"`, the default): twice the units.
    case concat
    /// Added (`"sum"`).
    case sum
    /// Multiplied (`"mul"`).
    case multiply = "mul"
    /// Averaged (`"ave"`).
    case average = "ave"
  }

  /// The layer's name in its model.
  public var name: String {
    didSet { nameDirections() }
  }
  /// The layer reading forwards.
  public let forwardLayer: any RecurrentLayer & Configurable
  /// The layer reading backwards.
  public let backwardLayer: any RecurrentLayer & Configurable
  /// How the outputs are combined.
  public let mergeMode: MergeMode
  /// The input shape given with `inputShape:`, without the batch axis.
  public let declaredInputShape: [Int]?

  /// Wraps `layer`; the backward direction is `backwardLayer` if given (it must return
  /// sequences exactly when `layer` does, and read the other way), else a copy of `layer`
  /// with `goBackwards` flipped. Mismatched directions are reported when the model is built.
  public init(
    _ layer: any RecurrentLayer & Configurable, mergeMode: MergeMode = .concat,
    backwardLayer: (any RecurrentLayer & Configurable)? = nil, inputShape: [Int]? = nil,
    name: String = ""
  ) {
    let backward =
      backwardLayer
      ?? {
        // A configuration the layer wrote always rebuilds it; should it not, the copy stays
        // the forward layer and `outputShape` reports the problem.
        let copy = try? type(of: layer).init(configuration: layer.configuration)
        copy?.options.goBackwards.toggle()
        return copy ?? layer
      }()
    self.forwardLayer = layer
    self.backwardLayer = backward
    self.mergeMode = mergeMode
    self.declaredInputShape = inputShape ?? layer.declaredInputShape
    self.name = name
    let zeroOutput = layer.options.returnSequences
    self.forwardLayer.options.zeroOutputForMask = zeroOutput
    self.backwardLayer.options.zeroOutputForMask = zeroOutput
    nameDirections()
  }

  private func nameDirections() {
    guard !name.isEmpty else { return }
    forwardLayer.name = "forward_\(name)"
    backwardLayer.name = "backward_\(name)"
  }

  /// The forward layer's weights, then the backward layer's.
  public var weights: [Weight] { forwardLayer.weights + backwardLayer.weights }

  /// `forward/…` for the forward layer's weights, then `backward/…`.
  public var weightNames: [String] {
    forwardLayer.weightNames.map { "forward/\($0)" }
      + backwardLayer.weightNames.map { "backward/\($0)" }
  }

  /// Whether both directions are built.
  public var isBuilt: Bool { forwardLayer.isBuilt && backwardLayer.isBuilt }

  /// Builds both directions.
  public func build(inputShape: [Int], generator: inout RandomGenerator) throws {
    _ = try outputShape(forInputShape: inputShape)
    try forwardLayer.build(inputShape: inputShape, generator: &generator)
    try backwardLayer.build(inputShape: inputShape, generator: &generator)
  }

  /// The directions' output shape, with twice the units for `concat`.
  public func outputShape(forInputShape inputShape: [Int]) throws -> [Int] {
    guard backwardLayer !== forwardLayer,
      backwardLayer.options.goBackwards != forwardLayer.options.goBackwards,
      backwardLayer.options.returnSequences == forwardLayer.options.returnSequences
    else {
      throw StrataError(
        .invalidArgument,
        "Layer '\(name)' (Bidirectional): the backward layer must read the sequence the other way (`goBackwards` \(!forwardLayer.options.goBackwards)) and return sequences exactly when the forward layer does (`returnSequences` \(forwardLayer.options.returnSequences))"
      )
    }
    let forward = try forwardLayer.outputShape(forInputShape: inputShape)
    let backward = try backwardLayer.outputShape(forInputShape: inputShape)
    guard mergeMode == .concat || forward == backward else {
      throw StrataError(
        .invalidArgument,
        "Layer '\(name)' (Bidirectional): merge mode '\(mergeMode.rawValue)' needs both directions to have the same output shape, got \(batchShapeText(forward)) and \(batchShapeText(backward))"
      )
    }
    guard mergeMode == .concat else { return forward }
    return Array(forward.dropLast()) + [forward[forward.count - 1] + backward[backward.count - 1]]
  }

  /// Both directions' weight shapes, under `forward/…` and `backward/…`.
  public func weightShapes(forInputShape inputShape: [Int]) throws -> [String: [Int]]? {
    guard let forward = try forwardLayer.weightShapes(forInputShape: inputShape),
      let backward = try backwardLayer.weightShapes(forInputShape: inputShape)
    else { return nil }
    var shapes: [String: [Int]] = [:]
    for (key, shape) in forward { shapes["forward/\(key)"] = shape }
    for (key, shape) in backward { shapes["backward/\(key)"] = shape }
    return shapes
  }

  /// Both directions on the input (and its mask), merged.
  public func call(_ input: Tensor, context: inout LayerContext) throws -> Tensor {
    guard isBuilt else { throw unbuiltLayerError(self) }
    let mask = context.mask
    let forward = try forwardLayer.run(input, mask: mask, context: &context).output
    var backward = try backwardLayer.run(input, mask: mask, context: &context).output
    let sequences = forwardLayer.options.returnSequences
    if sequences { backward = backward.reversed(alongAxis: 1) }
    if !sequences { context.mask = nil }
    switch mergeMode {
    case .concat: return Tensor.concatenating([forward, backward], alongAxis: -1)
    case .sum: return forward + backward
    case .multiply: return forward * backward
    case .average: return (forward + backward) * 0.5
    }
  }
}

extension Bidirectional {
  /// Keras's `layer`, `backward_layer` and `merge_mode`.
  public var configuration: Configuration {
    [
      "layer": Registry.reference(to: forwardLayer),
      "backward_layer": Registry.reference(to: backwardLayer),
      "merge_mode": mergeMode.rawValue,
    ]
  }

  /// Rebuilds both directions from their saved configurations.
  public convenience init(configuration: Configuration) throws {
    let role = "a recurrent layer"
    let type = (any RecurrentLayer & Configurable).self
    let forward = try Registry.instantiate(
      try configuration.value("layer", as: ConfigurationValue.self), as: type, role: role)
    let backward = try configuration.value("backward_layer", as: ConfigurationValue?.self).map {
      try Registry.instantiate($0, as: type, role: role)
    }
    let modeName: String = try configuration.value("merge_mode", default: "concat")
    guard let mode = MergeMode(rawValue: modeName) else {
      throw StrataError(
        .invalidArgument,
        "Invalid merge mode. Received: \(modeName). Merge mode should be one of {\"sum\", \"mul\", \"ave\", \"concat\"}"
      )
    }
    self.init(forward, mergeMode: mode, backwardLayer: backward)
  }
}
