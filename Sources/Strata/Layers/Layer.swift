/// A building block of a model, as a Keras `Layer`.
///
/// A layer's forward pass is a composition of engine ops, so its gradient follows from them:
/// no layer writes a backward pass. Layers build lazily: `build(inputShape:generator:)` runs
/// once, on the first input shape, and creates the weights.
///
/// To write your own layer, adopt the protocol in a final class:
///
/// ```swift
/// final class Scale: Layer {
///     var name = ""
///     private(set) var factor: Weight?
///     var weights: [Weight] { factor.map { [$0] } ?? [] }
///     func build(inputShape: [Int], generator: inout RandomGenerator) throws {
///         factor = Weight(name: "factor", value: Tensor.ones([inputShape.last!]))
///     }
///     func outputShape(forInputShape shape: [Int]) throws -> [Int] { shape }
///     func call(_ input: Tensor, context: inout LayerContext) -> Tensor { input * context[factor!] }
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

  /// Creates the weights for inputs of `inputShape` (without the batch axis).
  func build(inputShape: [Int], generator: inout RandomGenerator) throws

  /// The output shape (without the batch axis) for an input shape; throws a ``StrataError``
  /// naming the layer when the input shape is not acceptable.
  func outputShape(forInputShape inputShape: [Int]) throws -> [Int]

  /// The forward pass on a batch (the first axis is the batch).
  func call(_ input: Tensor, context: inout LayerContext) -> Tensor
}

extension Layer {
  /// The type name in snake case, as Keras's `to_snake_case`.
  public var baseName: String { snakeCase(String(describing: type(of: self))) }

  /// No declared input shape.
  public var declaredInputShape: [Int]? { nil }

  /// A layer without weights is built once it knows its shape; layers with weights say so by
  /// having them.
  public var isBuilt: Bool { !weights.isEmpty }

  /// The trainable weights, in order.
  public var trainableWeights: [Weight] { weights.filter(\.isTrainable) }

  /// The non-trainable weights, in order.
  public var nonTrainableWeights: [Weight] { weights.filter { !$0.isTrainable } }

  /// The number of values in all weights.
  public var parameterCount: Int { weights.reduce(0) { $0 + $1.value.scalarCount } }

  /// The layer applied in inference mode: `layer(x)`.
  public func callAsFunction(_ input: Tensor, training: Bool = false) -> Tensor {
    var context = LayerContext(isTraining: training)
    return call(input, context: &context)
  }
}

/// `BatchNormalization` → `batch_normalization`, `Dense` → `dense`, `Conv2D` → `conv2d`.
func snakeCase(_ name: String) -> String {
  var result = ""
  let characters = Array(name)
  for (i, character) in characters.enumerated() {
    if character.isUppercase {
      let previousIsLower = i > 0 && (characters[i - 1].isLowercase || characters[i - 1].isNumber)
      let nextIsLower = i + 1 < characters.count && characters[i + 1].isLowercase
      let previousIsUpper = i > 0 && characters[i - 1].isUppercase
      if i > 0 && (previousIsLower || (previousIsUpper && nextIsLower)) { result += "_" }
      result += character.lowercased()
    } else {
      result.append(character)
    }
  }
  return result
}
