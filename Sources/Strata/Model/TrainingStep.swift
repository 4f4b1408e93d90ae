/// One batch through the model: the forward pass, the loss (fused with a final softmax or
/// sigmoid when possible), gradients and the optimizer update.
extension Sequential {
  /// The loss of a batch, the model's output (untraced) and the output's time-step mask
  /// (`[batch·steps]`, for an output per step that carries one), computed in `context`.
  ///
  /// When the last layer ends in softmax or sigmoid and the loss is the matching
  /// cross-entropy on probabilities, the loss is computed from the logits with the fused,
  /// stable op, as Keras's TensorFlow backend does.
  func batchLoss(
    _ x: Tensor, _ y: Tensor, sampleWeight: Tensor?, loss: any Loss, context: inout LayerContext
  ) throws -> (loss: Tensor, output: Tensor, outputMask: Tensor?) {
    let result = try batchLossValues(x, y, loss: loss, context: &context)
    return (
      loss.reduce(result.values, sampleWeight: sampleWeight, mask: result.mask), result.output,
      result.outputMask
    )
  }

  /// The loss values of a batch, one per sample (or per sample and step, flattened), before
  /// weighting and reduction; the mask of the values that count (the output's time-step
  /// mask, and the loss's ignored class, as Keras's `reduce_weighted_values` combines them);
  /// and the model's output (untraced) with its own time-step mask.
  func batchLossValues(
    _ x: Tensor, _ y: Tensor, loss: any Loss, context: inout LayerContext
  ) throws -> (values: Tensor, mask: Tensor?, output: Tensor, outputMask: Tensor?) {
    let ignored = loss.valueMask(target: y)
    let y = ignored == nil ? y : (loss as? any ClassIgnoringLoss)?.validTargets(y) ?? y
    let values: Tensor
    let output: Tensor
    if let fusion = loss.fusion, let last = layers.last as? any OutputActivationLayer,
      let fused = try fusedValues(fusion, last: last, x, y, context: &context)
    {
      (values, output) = fused
    } else {
      let prediction = try forward(x, context: &context)
      output = prediction.detached
      // A prediction per time step (`[batch, steps, classes]`): the loss of every step, so
      // the reduction is Keras's, over all steps of all samples.
      let steps = PerStep(prediction)
      values =
        prediction.rank > 2
        ? loss.values(target: steps.flattenTargets(y), prediction: steps.flatten(prediction))
        : loss.values(target: y, prediction: prediction)
    }
    let count = values.scalarCount
    var outputMask: Tensor? = nil
    if output.rank > 2, let mask = context.mask, mask.scalarCount == count {
      outputMask = mask.reshaped(to: [count])
    }
    var mask = outputMask
    if let ignored, ignored.scalarCount == count {
      let flat = ignored.reshaped(to: [count])
      mask = mask.map { $0 * flat } ?? flat
    }
    return (values, mask, output, outputMask)
  }

  private func fusedValues(
    _ fusion: LossFusion, last: any OutputActivationLayer, _ x: Tensor, _ y: Tensor,
    context: inout LayerContext
  ) throws -> (loss: Tensor, output: Tensor)? {
    let activation = last.outputActivation.name
    let hidden: Tensor
    switch fusion {
    case .sparseSoftmax, .softmax:
      guard activation == "softmax" else { return nil }
      hidden = try forward(x, context: &context, upTo: layers.count - 1)
      let logits = try last.callBeforeActivation(hidden, context: &context)
      guard logits.rank >= 2 else { return nil }
      let output = logits.detached.softmax(alongAxis: -1)
      let steps = PerStep(logits)
      let flatLogits = steps.flatten(logits)
      if case .softmax(let smoothing) = fusion {
        var targets = steps.flattenTargets(y)
        if smoothing > 0 {
          targets = targets * (1 - smoothing) + smoothing / Float(flatLogits.shape[1])
        }
        return (Tensor.softmaxCrossEntropy(logits: flatLogits, targets: targets), output)
      }
      let labels = steps.flattenTargets(y).reshaped(to: [-1])
      return (Tensor.softmaxCrossEntropy(logits: flatLogits, labels: labels), output)
    case .sigmoid(let smoothing):
      guard activation == "sigmoid" else { return nil }
      hidden = try forward(x, context: &context, upTo: layers.count - 1)
      let logits = try last.callBeforeActivation(hidden, context: &context)
      let targets = smoothing > 0 ? y * (1 - smoothing) + 0.5 * smoothing : y
      let values = Tensor.sigmoidCrossEntropy(logits: logits, targets: targets)
      return (values.mean(alongAxis: -1), logits.detached.sigmoid())
    }
  }

  /// Σ penalty(w) over the trainable weights that have a regularizer (Keras adds them
  /// unscaled to the loss, in training and evaluation).
  func regularizationPenalty(context: LayerContext) -> Tensor? {
    var total: Tensor? = nil
    for weight in trainableWeights {
      guard let regularizer = weight.regularizer else { continue }
      let penalty = regularizer.penalty(context[weight])
      total = total.map { $0 + penalty } ?? penalty
    }
    return total
  }

  /// Runs one training step and returns the batch loss (with penalties), and the output
  /// computed before the update and its time-step mask, which the metrics see (as in Keras).
  func trainStep(
    _ x: Tensor, _ y: Tensor, sampleWeight: Tensor?, configuration: CompiledConfiguration
  ) throws -> (loss: Float, output: Tensor, outputMask: Tensor?) {
    let weights = trainableWeights
    var context = LayerContext(isTraining: true, generator: dropoutGenerator)
    let (value, gradients, output, outputMask) = try lossAndGradients(
      x, y, sampleWeight: sampleWeight, configuration: configuration, weights: weights,
      context: &context)
    // A non-finite loss (a diverging model) never reaches the weights: they stay those of the
    // last finite step, and the NaN shows in the logs for TerminateOnNaN or the user.
    guard value.scalar.isFinite else { return (value.scalar, output, outputMask) }
    // The traced copies share storage with the weights; dropped here, the optimizer updates
    // the weights in place instead of copying every one of them on write.
    context.substitutes.removeAll()
    try configuration.optimizer.apply(gradients, to: weights)
    context.commitUpdates()
    dropoutGenerator = context.generator
    return (value.scalar, output, outputMask)
  }

  /// The batch's loss (with penalties), the gradients of the trainable `weights` and the
  /// output, in training mode; the traced weights stay in `context` until the caller drops
  /// them.
  private func lossAndGradients(
    _ x: Tensor, _ y: Tensor, sampleWeight: Tensor?, configuration: CompiledConfiguration,
    weights: [Weight], context: inout LayerContext
  ) throws -> (loss: Tensor, gradients: [Tensor], output: Tensor, outputMask: Tensor?) {
    var output = Tensor(0)
    var outputMask: Tensor? = nil
    var tape = context
    let (value, gradients) = try valueWithGradient(at: weights.map(\.value)) { traced in
      for (weight, tracedValue) in zip(weights, traced) {
        tape.substitutes[ObjectIdentifier(weight)] = tracedValue
      }
      let result = try batchLoss(
        x, y, sampleWeight: sampleWeight, loss: configuration.loss, context: &tape)
      output = result.output
      outputMask = result.outputMask
      var total = configuration.lossWeight.map { result.loss * $0 } ?? result.loss
      if let penalty = regularizationPenalty(context: tape) { total = total + penalty }
      if let activity = tape.takeActivityPenalty(batchSize: x.shape[0]) {
        total = total + activity
      }
      return total
    }
    context = tape
    return (value, gradients, output, outputMask)
  }

  /// One data-parallel step: this process's share of the global batch (nil when it has
  /// none) gives its gradients and loss, weighted by `share` (its fraction of the global
  /// batch); the sums over all processes, in one `allReduceSum`, are the global batch's, and
  /// every process applies them alike. Returns the global loss and the local output.
  func distributedTrainStep(
    _ x: Tensor?, _ y: Tensor?, sampleWeight: Tensor?, share: Float,
    configuration: CompiledConfiguration, distribution: any TrainingDistribution
  ) throws -> (loss: Float, output: Tensor?, outputMask: Tensor?) {
    let weights = trainableWeights
    var context = LayerContext(isTraining: true, generator: dropoutGenerator)
    var output: Tensor?
    var outputMask: Tensor?
    var flat: [Float]
    if let x, let y {
      let (value, gradients, localOutput, localMask) = try lossAndGradients(
        x, y, sampleWeight: sampleWeight, configuration: configuration, weights: weights,
        context: &context)
      output = localOutput
      outputMask = localMask
      flat = []
      flat.reserveCapacity(weights.reduce(1) { $0 + $1.value.scalarCount })
      // Scaled straight from each gradient's storage: no intermediate copy per weight and step.
      for gradient in gradients {
        gradient.withUnsafeScalars { source in
          flat.append(contentsOf: source.lazy.map { $0 * share })
        }
      }
      flat.append(value.scalar * share)
    } else {
      flat = [Float](repeating: 0, count: weights.reduce(1) { $0 + $1.value.scalarCount })
    }
    try distribution.allReduceSum(&flat)
    let loss = flat[flat.count - 1]
    guard loss.isFinite else { return (loss, output, outputMask) }
    var offset = 0
    var gradients: [Tensor] = []
    for weight in weights {
      let count = weight.value.scalarCount
      gradients.append(Tensor(shape: weight.shape, scalars: Array(flat[offset..<(offset + count)])))
      offset += count
    }
    context.substitutes.removeAll()
    try configuration.optimizer.apply(gradients, to: weights)
    context.commitUpdates()
    dropoutGenerator = context.generator
    return (loss, output, outputMask)
  }

  /// The loss (with penalties), output and output mask of a batch in inference mode.
  func testStep(
    _ x: Tensor, _ y: Tensor, sampleWeight: Tensor?, configuration: CompiledConfiguration
  ) throws -> (loss: Float, output: Tensor, outputMask: Tensor?) {
    let loss = configuration.loss
    // Sliced as `predict` slices (see `inferenceForward`): each sample's loss value depends on
    // that sample alone, and the reduction sums the joined values in the order of one pass.
    // The slices run side by side as `inferenceForward`'s do, each with a context of its own;
    // their activity penalties are then taken in slice order, as one context would hold them.
    var context = LayerContext(isTraining: false)
    let count = x.shape[0]
    let sliceSize = try inferenceSliceSize()
    let finished = try mapSlices(count: count, sliceSize: sliceSize) { range in
      let whole = range.count == count
      var sliceContext = LayerContext(isTraining: false)
      let piece = try batchLossValues(
        whole ? x : x.rows(range), whole ? y : y.rows(range), loss: loss, context: &sliceContext)
      return (
        values: piece.values.reshaped(to: [-1]), mask: piece.mask, outputMask: piece.outputMask,
        output: piece.output, context: sliceContext
      )
    }
    let values = finished.map(\.values)
    let masks = finished.map(\.mask)
    let outputMasks = finished.map(\.outputMask)
    let outputs = finished.map(\.output)
    context.activityPenalties = finished.flatMap(\.context.activityPenalties)
    func joined(_ pieces: [Tensor]) -> Tensor {
      pieces.count == 1 ? pieces[0] : Tensor.concatenating(pieces, alongAxis: 0)
    }
    func joinedMasks(_ pieces: [Tensor?]) -> Tensor? {
      let present = pieces.compactMap { $0 }
      return present.count == pieces.count ? joined(present) : nil
    }
    var total = loss.reduce(
      joined(values), sampleWeight: sampleWeight, mask: joinedMasks(masks))
    if let weight = configuration.lossWeight { total = total * weight }
    if let penalty = regularizationPenalty(context: context) { total = total + penalty }
    // Summed over the slices, the penalties are those of the whole batch.
    if let activity = context.takeActivityPenalty(batchSize: count) { total = total + activity }
    return (total.scalar, joined(outputs), joinedMasks(outputMasks))
  }
}

/// How a prediction per time step, `[batch, steps…, classes]`, meets a loss or a metric
/// written for `[samples, classes]`: every step is a row, and a sample's loss is the mean of
/// its steps' (Keras computes the loss of each step and averages over all of them).
struct PerStep {
  /// The batch size.
  let batch: Int
  /// The number of rows per sample (1 for a rank-2 prediction).
  let steps: Int
  /// The size of the last axis.
  let features: Int

  init(_ prediction: Tensor) {
    batch = prediction.shape[0]
    features = prediction.shape[prediction.rank - 1]
    steps = prediction.rank > 2 ? prediction.shape.dropFirst().dropLast().reduce(1, *) : 1
  }

  /// `[batch·steps, features]`.
  func flatten(_ prediction: Tensor) -> Tensor {
    steps == 1 ? prediction : prediction.reshaped(to: [batch * steps, features])
  }

  /// The targets of every step as rows: `[batch·steps]` for class labels, else
  /// `[batch·steps, features]`.
  func flattenTargets(_ target: Tensor) -> Tensor {
    guard steps > 1 else { return target }
    let perRow = target.scalarCount / (batch * steps)
    return target.reshaped(to: perRow == 1 ? [batch * steps] : [batch * steps, perRow])
  }

  /// Sample weights `[batch]` repeated for every step.
  func repeatedWeights(_ weights: Tensor) -> Tensor {
    steps > 1 ? repeatingSampleWeights(weights, toCount: batch * steps) : weights
  }
}
