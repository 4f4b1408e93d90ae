/// A named, mutable tensor owned by a layer: a kernel, a bias, a moving mean.
///
/// Layers create their weights in `build(inputShape:generator:)`; the model's optimizer
/// updates the trainable ones, and layers read them through ``LayerContext`` so that a
/// training step sees the traced values.
public final class Weight {
  /// An identity no other weight of this process ever has (unlike an object's address, which
  /// a later weight may reuse): optimizers key their slots by it.
  public let id: UInt64
  /// The weight's name within its layer (`"kernel"`, `"bias"`, `"moving_mean"`).
  public let name: String
  /// The current value.
  public internal(set) var value: Tensor
  /// Whether the optimizer updates it (moving statistics are not trainable).
  public let isTrainable: Bool
  /// The penalty added to the loss for this weight, if any.
  public let regularizer: Regularizer?
  /// The projection applied after every optimizer update, if any (Keras's constraints).
  public let constraint: Constraint?
  /// Whether every value must be zero or more (a variance): loading weights or `setWeights`
  /// refuses a negative value instead of letting `predict` compute its square root.
  public let isNonNegative: Bool

  /// Creates a weight with an initial value.
  public init(
    name: String, value: Tensor, isTrainable: Bool = true, regularizer: Regularizer? = nil,
    constraint: Constraint? = nil, isNonNegative: Bool = false
  ) {
    self.id = Weight.nextID.withLock { counter in
      counter += 1
      return counter
    }
    self.name = name
    self.value = value
    self.isTrainable = isTrainable
    self.regularizer = regularizer
    self.constraint = constraint
    self.isNonNegative = isNonNegative
  }

  /// A description of what is wrong with `candidate` as this weight's value (a NaN, an
  /// infinity, or a negative value where none may be), or `nil` when it is acceptable. The
  /// shape is checked by the caller.
  func problem(with candidate: Tensor) -> String? {
    guard candidate.isFinite else { return "holds NaN or infinity" }
    if isNonNegative, let index = candidate.scalars.firstIndex(where: { $0 < 0 }) {
      return
        "holds the negative value \(candidate.scalars[index]) at flat index \(index), and '\(name)' may not be negative"
    }
    return nil
  }

  /// The weight's shape.
  public var shape: [Int] { value.shape }

  private static let nextID = Locked<UInt64>(0)
}

/// Sets `targets` to `values`, in order, after checking the count, every shape and every value
/// (finite, non-negative where required): on error nothing changes. `kind` ("model", "layer")
/// and `owner` name what is set in errors, `weightName` each weight.
func assignWeights(
  _ values: [Tensor], to targets: [Weight], kind: String, owner: String,
  weightName: (Weight) -> String
) throws {
  guard values.count == targets.count else {
    throw StrataError(
      .invalidArgument,
      "You called `setWeights(_:)` on \(kind) '\(owner)' with a weight list of length \(values.count), but the \(kind) was expecting \(targets.count) weights."
    )
  }
  for (index, (weight, value)) in zip(targets, values).enumerated() {
    guard weight.shape == value.shape else {
      throw StrataError(
        .shapeMismatch,
        "Weight \(index) ('\(weightName(weight))') has shape \(weight.shape), the provided value has shape \(value.shape)."
      )
    }
    if let problem = weight.problem(with: value) {
      throw StrataError(
        .invalidData, "Weight \(index) ('\(weightName(weight))'): the provided value \(problem).")
    }
  }
  for (weight, value) in zip(targets, values) { weight.value = value.detached }
}
