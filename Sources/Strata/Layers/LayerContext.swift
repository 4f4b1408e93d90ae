/// What a layer's `call` needs besides its input: whether it is training, the values of its
/// weights for this call, a random stream, and a place to request state updates.
///
/// Layers read weights through the context (`context[kernel]`), never `weight.value`
/// directly, so that a training step can pass traced values and compute gradients.
public struct LayerContext {
  /// `true` inside `fit` and `trainOnBatch` (Dropout drops, BatchNormalization uses batch
  /// statistics); `false` in `evaluate`, `predict` and direct calls.
  public let isTraining: Bool
  /// A random stream for layers that need one in training (Dropout).
  public var generator: RandomGenerator
  /// Keras's time-step mask, `[batch, steps]` with 1 for a real step and 0 for padding: set
  /// by `Embedding(maskZero: true)` and `Masking`, read by the recurrent layers, passed on by
  /// the layers that adopt ``MaskAwareLayer`` and dropped by every other layer (as Keras
  /// drops it at a layer without `supports_masking`); `nil` when no mask flows.
  public var mask: Tensor?
  var substitutes: [ObjectIdentifier: Tensor] = [:]
  /// The activity penalties of this call's layers (Keras's `activity_regularizer` losses),
  /// before the division by the batch size.
  var activityPenalties: [Tensor] = []
  var pendingUpdates: [(Weight, Tensor)] = []

  /// A context for a call in training or inference mode.
  public init(
    isTraining: Bool, generator: RandomGenerator = RandomGenerator(seed: 0), mask: Tensor? = nil
  ) {
    self.isTraining = isTraining
    self.generator = generator
    self.mask = mask
  }

  /// The value of `weight` for this call (a traced copy during a training step).
  public subscript(weight: Weight) -> Tensor {
    substitutes[ObjectIdentifier(weight)] ?? weight.value
  }

  /// Asks for `weight` to be set to `value` once the step has succeeded (for non-trainable
  /// state such as BatchNormalization's moving statistics).
  public mutating func assign(_ value: Tensor, to weight: Weight) {
    pendingUpdates.append((weight, value.detached))
  }

  /// Records `regularizer`'s penalty of a layer's `output`, Keras's activity regularization
  /// (added to the loss divided by the batch size, in training and evaluation).
  mutating func addActivityPenalty(of output: Tensor, regularizer: Regularizer) {
    activityPenalties.append(regularizer.penalty(output))
  }

  /// The recorded activity penalties divided by `batchSize` (Keras's `divide_no_nan`), and
  /// forgets them; `nil` when there are none.
  mutating func takeActivityPenalty(batchSize: Int) -> Tensor? {
    guard let first = activityPenalties.first else { return nil }
    let total = activityPenalties.dropFirst().reduce(first, +)
    activityPenalties.removeAll()
    return batchSize > 0 ? total / Float(batchSize) : total * 0
  }

  /// Applies the requested assignments.
  mutating func commitUpdates() {
    for (weight, value) in pendingUpdates { weight.value = value }
    pendingUpdates.removeAll()
  }
}
