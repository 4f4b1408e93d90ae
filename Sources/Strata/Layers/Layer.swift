/// A building block of a model, as a Keras `Layer`.
///
/// A layer's forward pass is a composition of engine ops, so its gradient follows from them:
/// no layer writes a backward pass. Layers build lazily: `build(inputShape:generator:)` runs
/// once, on the first input shape, and creates the weights.
///
/// To write your own layer, adopt the protocol in a final class (and ``Configurable``, so that
/// models holding it can be saved):
///
/// ```swift
/// final class Scale: Layer {
///     var name = ""
///     private(set) var factor: Weight?
///     var weights: [Weight] { factor.map { [$0] } ?? [] }
///     func build(inputShape: [Int], generator: inout RandomGenerator) throws {
///         factor = Weight(name: "factor", value: Tensor.ones([inputShape.last ?? 1]))
///     }
///     func outputShape(forInputShape shape: [Int]) throws -> [Int] { shape }
///     func call(_ input: Tensor, context: inout LayerContext) throws -> Tensor {
///         guard let factor else { throw unbuiltLayerError(self) }
///         return input * context[factor]
///     }
/// }
/// ```
public protocol Layer: AnyObject {
  /// The layer's name in its model (`dense`, `dense_1`, …); an empty name is filled in by the
  /// model from ``baseName`` when the layer is added.
  var name: String { get set }

  /// The snake-case stem of automatic names (`"dense"` for `Dense`); by default the type
  /// name in snake case.
  var baseName: String { get }

  /// The input shape declared by the user (`inputShape:`), without the batch axis, if any.
  var declaredInputShape: [Int]? { get }

  /// Every weight in Keras's order: trainable ones first, then non-trainable ones. Empty
  /// before the layer is built.
  var weights: [Weight] { get }

  /// Whether `build` has run.
  var isBuilt: Bool { get }

  /// The name of each weight within the layer, in the order of ``weights``, unique within
  /// the layer (model files store `layer/weight`); by default the weights' own names. A
  /// wrapper of several layers prefixes them (`forward/kernel`).
  var weightNames: [String] { get }

  /// Creates the weights for inputs of `inputShape` (without the batch axis).
  func build(inputShape: [Int], generator: inout RandomGenerator) throws

  /// The output shape (without the batch axis) for an input shape; throws a ``StrataError``
  /// naming the layer when the input shape is not acceptable.
  func outputShape(forInputShape inputShape: [Int]) throws -> [Int]

  /// The shapes of the weights `build` would create for `inputShape`, by weight name, without
  /// creating them (so that a model file can be checked before anything is allocated); `nil`
  /// when the layer cannot say (the default).
  func weightShapes(forInputShape inputShape: [Int]) throws -> [String: [Int]]?

  /// The forward pass on a batch (the first axis is the batch); throws a ``StrataError`` when
  /// the layer is not built or the input does not fit it.
  func call(_ input: Tensor, context: inout LayerContext) throws -> Tensor
}

extension Layer {
  /// The type name in snake case, as Keras's `to_snake_case`.
  public var baseName: String { snakeCase(String(describing: type(of: self))) }

  /// No declared input shape.
  public var declaredInputShape: [Int]? { nil }

  /// The weights' own names.
  public var weightNames: [String] { weights.map(\.name) }

  /// Unknown: the weights are checked once built.
  public func weightShapes(forInputShape inputShape: [Int]) throws -> [String: [Int]]? { nil }

  /// A layer without weights is built once it knows its shape; layers with weights say so by
  /// having them.
  public var isBuilt: Bool { !weights.isEmpty }

  /// The trainable weights, in order.
  public var trainableWeights: [Weight] { weights.filter(\.isTrainable) }

  /// The non-trainable weights, in order.
  public var nonTrainableWeights: [Weight] { weights.filter { !$0.isTrainable } }

  /// The values of the layer's weights, in ``weights``'s order (Keras's
  /// `layer.get_weights()`): `[kernel, bias]` for a `Dense`.
  public func getWeights() -> [Tensor] { weights.map(\.value) }

  /// Replaces the values of the layer's weights, in ``weights``'s order (Keras's
  /// `layer.set_weights(…)`). Checks the count, every shape and every value first: on error
  /// nothing changes.
  public func setWeights(_ values: [Tensor]) throws {
    let names = Dictionary(
      zip(weights.map(ObjectIdentifier.init), weightNames), uniquingKeysWith: { first, _ in first })
    try assignWeights(
      values, to: weights, kind: "layer", owner: name,
      weightName: { "\(self.name)/\(names[ObjectIdentifier($0)] ?? $0.name)" })
  }

  /// The number of values in all weights.
  public var parameterCount: Int { weights.reduce(0) { $0 + $1.value.scalarCount } }

  /// The layer applied to a batch, in inference mode unless `training`: `try layer(x)`.
  ///
  /// As in Keras, the first call builds the layer for the input's shape (its weights are drawn
  /// from a generator of seed 0, so a direct call repeats). Throws a ``StrataError`` when the
  /// input does not fit the layer. In training mode, state updates (BatchNormalization's
  /// moving statistics) are applied.
  ///
  /// A time-step `mask` `[batch, steps]` (1 for real steps, 0 for padding) reaches layers that
  /// read one, as Keras's `layer(x, mask=…)`.
  public func callAsFunction(_ input: Tensor, mask: Tensor? = nil, training: Bool = false) throws
    -> Tensor
  {
    guard input.rank >= 1 else {
      throw StrataError(
        .shapeMismatch,
        "Layer '\(name)' expects a batch (the first axis indexing samples), received a scalar")
    }
    let sampleShape = Array(input.shape.dropFirst())
    _ = try outputShape(forInputShape: sampleShape)
    if !isBuilt {
      var generator = RandomGenerator(seed: 0)
      try build(inputShape: sampleShape, generator: &generator)
    }
    var context = LayerContext(isTraining: training, mask: mask)
    let output = try call(input, context: &context)
    if training { context.commitUpdates() }
    return output
  }
}

/// A layer that handles the time-step mask (``LayerContext/mask``) itself: it sets one
/// (`Embedding(maskZero: true)`, `Masking`), reads it (the recurrent layers) or passes it on
/// unchanged (`Dense`, `Dropout`, `Activation`, normalisation layers), as a Keras layer with
/// `supports_masking`. After any other layer a model drops the mask.
public protocol MaskAwareLayer: Layer {}

/// The error a layer throws when it is called before it was built: what happened and how to
/// avoid it.
public func unbuiltLayerError(_ layer: any Layer) -> StrataError {
  StrataError(
    .invalidState,
    "Layer '\(layer.name)' (\(type(of: layer))) was called before it was built; call it as `try layer(x)`, which builds it, or add it to a model"
  )
}

/// `BatchNormalization` → `batch_normalization`, `Conv2D` → `conv2d`, `MaxPooling2D` →
/// `max_pooling2d`, `Conv2DTranspose` → `conv2d_transpose`: Keras's `to_snake_case`, which
/// puts `_` before a capitalised word (`(.)([A-Z][a-z]+)`), then between a lowercase and an
/// uppercase letter (`([a-z])([A-Z])`), and lowercases.
func snakeCase(_ name: String) -> String {
  let characters = Array(name)
  var words: [Character] = []
  for (i, character) in characters.enumerated() {
    let startsWord =
      i > 0 && character.isUppercase && i + 1 < characters.count
      && characters[i + 1].isLowercase
    if startsWord { words.append("_") }
    words.append(character)
  }
  var result = ""
  for (i, character) in words.enumerated() {
    if i > 0 && character.isUppercase && words[i - 1].isLowercase && words[i - 1].isLetter {
      result += "_"
    }
    result += character.lowercased()
  }
  return result
}
