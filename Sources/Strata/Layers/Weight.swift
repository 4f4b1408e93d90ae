/// A named, mutable tensor owned by a layer: a kernel, a bias, a moving mean.
///
/// Layers create their weights in `build(inputShape:generator:)`; the model's optimizer
/// updates the trainable ones, and layers read them through ``LayerContext`` so that a
/// training step sees the traced values.
public final class Weight {
  /// The weight's name within its layer (`"kernel"`, `"bias"`, `"moving_mean"`).
  public let name: String
  /// The current value.
  public internal(set) var value: Tensor
  /// Whether the optimizer updates it (moving statistics are not trainable).
  public let isTrainable: Bool
  /// The penalty added to the loss for this weight, if any.
  public let regularizer: Regularizer?

  /// Creates a weight with an initial value.
  public init(
    name: String, value: Tensor, isTrainable: Bool = true, regularizer: Regularizer? = nil
  ) {
    self.name = name
    self.value = value
    self.isTrainable = isTrainable
    self.regularizer = regularizer
  }

  /// The weight's shape.
  public var shape: [Int] { value.shape }
}
