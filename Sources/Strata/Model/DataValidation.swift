/// Checks of user data made before any weight changes, each throwing a ``StrataError`` that
/// says what was expected, what was found, and which argument it was.
extension Sequential {
  /// Checks that `x` is a non-empty, finite batch whose per-sample shape fits the model, and
  /// builds the model from it if needed. Returns the output shape (without the batch axis).
  @discardableResult
  func prepareInput(_ x: Tensor, argument: String) throws -> [Int] {
    let output = try checkedOutputShape(for: x, argument: argument)
    try build(inputShape: Array(x.shape.dropFirst()))
    return output
  }

  /// The output shape for `x`, after checking it fits the model (without building it).
  func checkedOutputShape(for x: Tensor, argument: String) throws -> [Int] {
    guard x.rank >= 1, x.shape[0] > 0 else {
      throw StrataError(
        .invalidData,
        "`\(argument)` is empty: expected at least one sample, received shape \(x.shape).")
    }
    let sampleShape = Array(x.shape.dropFirst())
    if let expected = inputShape ?? declaredInputShape, expected != sampleShape {
      let first = layers.first?.name ?? name
      throw StrataError(
        .shapeMismatch,
        "Input 0 of layer '\(first)' is incompatible with the layer: expected shape \(batchShapeText(expected)), but received input with shape \(batchShapeText(sampleShape)) (argument `\(argument)` of shape \(x.shape))."
      )
    }
    try checkFinite(x, argument: argument)
    return try outputShape(forInputShape: sampleShape)
  }

  func checkFinite(_ tensor: Tensor, argument: String) throws {
    if let index = tensor.scalars.firstIndex(where: { !$0.isFinite }) {
      throw StrataError(
        .invalidData,
        "`\(argument)` holds \(tensor.scalars[index]) at flat index \(index) (sample \(index / Swift.max(1, tensor.scalarCount / Swift.max(1, tensor.shape.first ?? 1)))): expected only finite values."
      )
    }
  }

  /// Checks labels against the loss and the output shape; returns them shaped as the loss
  /// expects (a `[N]` target for a `[N, 1]` output becomes `[N, 1]`).
  func prepareTargets(
    _ y: Tensor, samples: Int, outputShape: [Int], loss: any Loss, argument: String
  ) throws -> Tensor {
    guard y.rank >= 1, y.shape[0] == samples else {
      throw StrataError(
        .invalidArgument,
        "Data cardinality is ambiguous: `\(argument)` has \(y.rank >= 1 ? y.shape[0] : 0) samples but the inputs have \(samples). Make sure all arrays contain the same number of samples."
      )
    }
    try checkFinite(y, argument: argument)
    let targetShape = Array(y.shape.dropFirst())
    switch loss.labels {
    case .sparse:
      // One label per sample, or per time step for an output `[N, steps, classes]`.
      let labelShape = Array(outputShape.dropLast())
      guard let classes = outputShape.last,
        targetShape == labelShape || targetShape == labelShape + [1]
      else {
        throw StrataError(
          .shapeMismatch,
          "\(loss.name) expects integer class labels of shape \(batchShapeText(labelShape)) or \(batchShapeText(labelShape + [1])) for an output of shape \(batchShapeText(outputShape)); received labels of shape \(y.shape). For one-hot labels use categoricalCrossentropy."
        )
      }
      // A label the loss ignores (`ignoreClass: -1`) need not be a class index.
      let ignored = (loss as? any ClassIgnoringLoss)?.ignoreClass.map(Float.init)
      if let bad = y.scalars.firstIndex(where: {
        ($0 < 0 || $0 >= Float(classes) || $0 != $0.rounded()) && $0 != ignored
      }) {
        throw StrataError(
          .invalidData,
          "`\(argument)` holds the label \(y.scalars[bad]) at sample \(bad): \(loss.name) expects integer class indices in 0..<\(classes) (the output has \(classes) units)."
        )
      }
      return y
    case .binary, .categorical, .real:
      var shaped = y
      if targetShape != outputShape {
        if targetShape.isEmpty && outputShape == [1] {
          shaped = y.reshaped(to: [samples, 1])
        } else {
          throw StrataError(
            .shapeMismatch,
            "\(loss.name) expects targets of the output's shape \(batchShapeText(outputShape)); received `\(argument)` of shape \(y.shape)."
              + (loss.labels == .categorical && targetShape.count == 0
                ? " For integer class labels use sparseCategoricalCrossentropy." : "")
          )
        }
      }
      // Soft targets are fine (pixel intensities for an autoencoder, smoothed labels), as in
      // Keras; only values outside [0, 1] make no sense as probabilities.
      if loss.labels == .binary, let bad = y.scalars.firstIndex(where: { !($0 >= 0 && $0 <= 1) }) {
        throw StrataError(
          .invalidData,
          "`\(argument)` holds \(y.scalars[bad]) at flat index \(bad): \(loss.name) expects targets between 0 and 1."
        )
      }
      return shaped
    }
  }

  /// Checks and builds per-sample weights from `sampleWeight` or `classWeight`.
  func prepareSampleWeights(
    sampleWeight: Tensor?, classWeight: [Int: Float]?, targets: Tensor, samples: Int,
    argument: String = "sampleWeight"
  ) throws -> Tensor? {
    if sampleWeight != nil && classWeight != nil {
      throw StrataError(
        .invalidArgument, "You cannot pass both `classWeight` and `sampleWeight` at the same time.")
    }
    if let sampleWeight {
      guard sampleWeight.scalarCount == samples, sampleWeight.rank <= 2 else {
        throw StrataError(
          .invalidArgument,
          "`\(argument)` must hold one weight per sample (\(samples)); received shape \(sampleWeight.shape)."
        )
      }
      try checkFinite(sampleWeight, argument: argument)
      return sampleWeight.reshaped(to: [samples])
    }
    guard let classWeight else { return nil }
    if let (label, weight) = classWeight.sorted(by: { $0.key < $1.key }).first(where: {
      !$0.value.isFinite
    }) {
      throw StrataError(
        .invalidArgument,
        "`classWeight` must hold finite weights. Received: classWeight[\(label)]=\(weight)")
    }
    // Keras: the class is argmax(y) for one-hot rows, otherwise round(y); missing classes 1.
    let width = targets.scalarCount / samples
    var weights = [Float](repeating: 1, count: samples)
    for i in 0..<samples {
      let row = targets.scalars[(i * width)..<((i + 1) * width)]
      let label: Int
      if width > 1 {
        label = row.indices.max { row[$0] < row[$1] }.map { $0 - i * width } ?? 0
      } else {
        label = row.first.flatMap { classIndex($0.rounded()) } ?? -1
      }
      weights[i] = classWeight[label] ?? 1
    }
    return Tensor(shape: [samples], scalars: weights)
  }
}

/// The number of batches of `batchSize` (at least 1) in `samples` samples, the last one
/// possibly short; computed without overflow for any `batchSize`.
func batchCount(samples: Int, batchSize: Int) -> Int {
  samples <= 0 ? 0 : (samples - 1) / batchSize + 1
}

/// The samples of batch `batch` (below ``batchCount(samples:batchSize:)``).
func batchRange(_ batch: Int, batchSize: Int, samples: Int) -> Range<Int> {
  let start = batch * batchSize
  return start..<(start + Swift.min(batchSize, samples - start))
}
