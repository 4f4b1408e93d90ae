import Foundation

/// A linear stack of layers, Keras's `Sequential`.
///
/// ```swift
/// let model = Sequential {
///     Flatten(inputShape: [28, 28])
///     Dense(units: 128, activation: .relu)
///     Dense(units: 10, activation: .softmax)
/// }
/// model.compile(optimizer: .adam, loss: .sparseCategoricalCrossentropy, metrics: [.accuracy])
/// let history = try model.fit(x, y, epochs: 5)
/// ```
///
/// The model builds lazily: its weights are created on the first input shape, taken from the
/// first layer's `inputShape:` (or an `Input`), or from the data given to `fit`/`predict`.
/// One `seed` drives the initial weights, dropout masks and shuffling, so a run repeats
/// bit for bit.
public final class Sequential {
  /// The model's name (`"sequential"` by default).
  public var name: String
  /// The layers in order (an `Input` is not listed, as in Keras).
  public private(set) var layers: [any Layer] = []
  /// The seed of the initial weights, dropout masks and shuffling.
  public let seed: UInt64
  /// Set by a callback to end `fit` after the current batch or epoch.
  public var stopTraining = false

  /// The per-sample input shape (without the batch axis), once known.
  public var inputShape: [Int]? { buildLock.withLock { builtInputShape } }
  private var builtInputShape: [Int]?
  /// Serialises building, so that threads predicting with one unbuilt model build it once and
  /// a built model's `predict` and `evaluate` write nothing it shares (see ``build(inputShape:)``).
  private let buildLock = NSLock()
  var declaredInputShape: [Int]?
  var initializerGenerator: RandomGenerator
  var shuffleGenerator: RandomGenerator
  var dropoutGenerator: RandomGenerator
  var compiled: CompiledConfiguration?
  /// The layers this model has built (a layer without weights cannot tell by itself). Object
  /// identities are safe keys here: an entry lives only while `layers` holds its layer.
  private var builtLayers = Set<ObjectIdentifier>()

  /// Creates an empty model; add layers with ``add(_:)``.
  public init(name: String = "sequential", seed: UInt64 = 0) {
    self.name = name
    self.seed = seed
    var root = RandomGenerator(seed: seed)
    initializerGenerator = root.split()
    shuffleGenerator = root.split()
    dropoutGenerator = root.split()
  }

  /// Creates a model from an array of layers.
  public convenience init(_ layers: [any Layer], name: String = "sequential", seed: UInt64 = 0) {
    self.init(name: name, seed: seed)
    for layer in layers { add(layer) }
  }

  /// Creates a model from the layers listed in a block.
  public convenience init(
    name: String = "sequential", seed: UInt64 = 0, @LayerBuilder _ layers: () -> [any Layer]
  ) {
    self.init(layers(), name: name, seed: seed)
  }

  /// Appends a layer. An `Input` (or the first layer's `inputShape:`) fixes the input shape;
  /// a layer without a name gets Keras's automatic one (`dense`, `dense_1`, …).
  public func add(_ layer: any Layer) {
    if let input = layer as? Input {
      if layers.isEmpty && declaredInputShape == nil { declaredInputShape = input.shape }
      return
    }
    if layers.isEmpty && declaredInputShape == nil, let shape = layer.declaredInputShape {
      declaredInputShape = shape
    }
    if layer.name.isEmpty {
      let stem = layer.baseName
      let taken = Set(layers.map(\.name))
      var candidate = stem
      var counter = 0
      while taken.contains(candidate) {
        counter += 1
        candidate = "\(stem)_\(counter)"
      }
      layer.name = candidate
    }
    layers.append(layer)
    // A model with a known input shape builds each new layer at once, as Keras does; a shape
    // the layer rejects is reported by the next `build`, `fit` or `predict`.
    if let known = inputShape ?? declaredInputShape {
      try? build(inputShape: known)
    }
  }

  /// Removes the last layer (Keras's `pop`).
  @discardableResult
  public func pop() -> (any Layer)? {
    guard let layer = layers.popLast() else { return nil }
    builtLayers.remove(ObjectIdentifier(layer))
    return layer
  }

  /// Whether the input shape is known and every layer has been built.
  public var isBuilt: Bool { buildLock.withLock { isBuiltUnlocked } }

  private var isBuiltUnlocked: Bool { builtInputShape != nil && layers.allSatisfy(hasBuilt) }

  /// Whether `layer` has its weights, or this model has built it (a layer without weights).
  func hasBuilt(_ layer: any Layer) -> Bool {
    layer.isBuilt || builtLayers.contains(ObjectIdentifier(layer))
  }

  /// Checks that inputs of `inputShape` pass through every layer and returns the output shape,
  /// without changing anything. Layers read their weights' shapes here, so this waits for a
  /// build running on another thread (`predict` from several threads on a new model).
  func outputShape(forInputShape inputShape: [Int]) throws -> [Int] {
    try buildLock.withLock { try outputShapeUnlocked(forInputShape: inputShape) }
  }

  private func outputShapeUnlocked(forInputShape inputShape: [Int]) throws -> [Int] {
    guard !layers.isEmpty else {
      throw StrataError(
        .invalidState,
        "Sequential model \(name) cannot be built because it has no layers. Call `model.add(layer)`."
      )
    }
    var shape = inputShape
    for layer in layers { shape = try layer.outputShape(forInputShape: shape) }
    return shape
  }

  /// The output shape (without the batch axis), once the input shape is known.
  public var outputShape: [Int]? {
    inputShape.flatMap { try? outputShape(forInputShape: $0) }
  }

  /// Creates every layer's weights for inputs of `inputShape` (without the batch axis).
  /// Nothing changes if any layer rejects the shape.
  ///
  /// Building is serialised, and building a model that is already built for `inputShape`
  /// changes nothing, so several threads may call `predict` or `evaluate` on one model at
  /// once. `fit`, `compile` and changing the layers are not safe alongside anything else on
  /// the same model.
  public func build(inputShape: [Int]) throws {
    try buildLock.withLock { try buildUnlocked(inputShape: inputShape) }
  }

  private func buildUnlocked(inputShape: [Int]) throws {
    if let built = builtInputShape {
      guard built == inputShape else {
        throw StrataError(
          .shapeMismatch,
          "Model \(name) was built for inputs of shape \(batchShapeText(built)), received \(batchShapeText(inputShape))"
        )
      }
      if isBuiltUnlocked { return }
    }
    try checkLayerNames()
    _ = try outputShapeUnlocked(forInputShape: inputShape)
    var shape = inputShape
    for layer in layers {
      if !hasBuilt(layer) { try layer.build(inputShape: shape, generator: &initializerGenerator) }
      builtLayers.insert(ObjectIdentifier(layer))
      shape = try layer.outputShape(forInputShape: shape)
    }
    builtInputShape = inputShape
  }

  /// The name a layer may not have: the model file keeps the optimizer's slots under it.
  static let reservedLayerName = "optimizer"

  /// Throws unless the layers' names are unique, free of `/` (which separates a layer's name
  /// from its weight's in a file, and which Keras refuses too) and not ``reservedLayerName``.
  func checkLayerNames() throws {
    try Sequential.checkLayerNames(layers, modelName: name)
  }

  /// ``checkLayerNames()`` for `layers` of the model `modelName`.
  static func checkLayerNames(_ layers: [any Layer], modelName: String) throws {
    var seen = Set<String>()
    for layer in layers {
      guard !layer.name.contains("/"), layer.name != Sequential.reservedLayerName else {
        throw StrataError(
          .invalidArgument,
          "Layer name '\(layer.name)' is not allowed: a name cannot contain '/' or be '\(Sequential.reservedLayerName)' (saved files use both)."
        )
      }
      guard seen.insert(layer.name).inserted else {
        let count = layers.filter { $0.name == layer.name }.count
        throw StrataError(
          .invalidArgument,
          "The name \"\(layer.name)\" is used \(count) times in the model '\(modelName)'. All layer names should be unique."
        )
      }
    }
  }

  /// Every weight, layer by layer, in Keras's order (`get_weights`).
  public var weights: [Weight] { layers.flatMap(\.weights) }

  /// The weights the optimizer updates.
  public var trainableWeights: [Weight] { layers.flatMap(\.trainableWeights) }

  /// The weights that are state, not parameters (BatchNormalization's moving statistics).
  public var nonTrainableWeights: [Weight] { layers.flatMap(\.nonTrainableWeights) }

  /// The number of values in all weights.
  public var parameterCount: Int { layers.reduce(0) { $0 + $1.parameterCount } }

  /// The values of every weight, in Keras's order (empty before the model is built).
  public func getWeights() -> [Tensor] { weights.map(\.value) }

  /// Replaces every weight's value, in Keras's order. Checks the count and every shape first:
  /// on error nothing changes.
  public func setWeights(_ values: [Tensor]) throws {
    try assignWeights(
      values, to: weights, kind: "model", owner: name,
      weightName: { "\(self.ownerName(of: $0))/\($0.name)" })
  }

  /// The layer called `name` (Keras's `model.get_layer(name)`); throws a ``StrataError``
  /// listing the layers' names when there is none.
  public func layer(named name: String) throws -> any Layer {
    if let layer = layers.first(where: { $0.name == name }) { return layer }
    throw StrataError(
      .invalidArgument,
      "No such layer: \(name). Existing layers are: \(layers.map(\.name).joined(separator: ", ")).")
  }

  func ownerName(of weight: Weight) -> String {
    layers.first { layer in layer.weights.contains { $0 === weight } }?.name ?? "?"
  }

  /// Runs the layers on a batch in inference or training mode. In inference a layer may run
  /// together with the next one (``InferenceFusing``: a convolution and its max pooling),
  /// with the values of the two calls.
  func forward(_ input: Tensor, context: inout LayerContext, upTo end: Int? = nil) throws -> Tensor
  {
    var value = input
    let end = end ?? layers.count
    var index = 0
    while index < end {
      let layer = layers[index]
      if !context.isTraining, context.mask == nil, index + 1 < end,
        let fusing = layer as? any InferenceFusing,
        let fused = try fusing.callFused(value, followedBy: layers[index + 1], context: &context)
      {
        value = fused
        index += 2
        continue
      }
      value = try layer.call(value, context: &context)
      if !(layer is any MaskAwareLayer) { context.mask = nil }
      index += 1
    }
    return value
  }

  /// The model applied to a batch: `model(x)`; inference mode unless `training`. Throws if the
  /// input's shape does not fit the model.
  public func callAsFunction(_ input: Tensor, training: Bool = false) throws -> Tensor {
    try prepareInput(input, argument: "x")
    var context = LayerContext(isTraining: training, generator: dropoutGenerator)
    let output = try forward(input, context: &context)
    if training {
      context.commitUpdates()
      dropoutGenerator = context.generator
    }
    return output.detached
  }
}
