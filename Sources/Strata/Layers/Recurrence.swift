/// What Keras's `SimpleRNN`, `LSTM` and `GRU` share: how the sequence is read (`returnSequences`,
/// `returnState`, `goBackwards`), dropout on the inputs and on the recurrent state, and the loop
/// over time steps with the time-step mask.
///
/// The loop runs on the tape: the input projections of all time steps are one GEMM before the
/// loop, each step is one GEMM for all gates and a fused gate op, and the gradient of every
/// step follows from those ops.
public struct RecurrentOptions: Sendable, Equatable {
  /// Return the output of every time step `[batch, steps, units]` rather than the last
  /// `[batch, units]` (Keras's `return_sequences`, default false).
  public var returnSequences: Bool
  /// Also return the final states (Keras's `return_state`); usable when calling the layer with
  /// ``RecurrentLayer/callReturningStates(_:mask:training:)``, not inside a `Sequential`.
  public var returnState: Bool
  /// Read the sequence from its last step to its first (Keras's `go_backwards`); the returned
  /// sequence is then in reading order, reversed, as in Keras.
  public var goBackwards: Bool
  /// The fraction of input features dropped in training, one mask per batch shared by all
  /// time steps (Keras's `dropout`).
  public var dropout: Float
  /// The fraction of the recurrent state dropped before the recurrent product in training,
  /// one mask per batch (Keras's `recurrent_dropout`).
  public var recurrentDropout: Float
  /// Output zeros, rather than the previous output, at masked time steps
  /// (Keras's `zero_output_for_mask`; `Bidirectional` sets it when returning sequences).
  public var zeroOutputForMask: Bool

  /// The options, with Keras's defaults.
  public init(
    returnSequences: Bool = false, returnState: Bool = false, goBackwards: Bool = false,
    dropout: Float = 0, recurrentDropout: Float = 0, zeroOutputForMask: Bool = false
  ) {
    self.returnSequences = returnSequences
    self.returnState = returnState
    self.goBackwards = goBackwards
    self.dropout = dropout
    self.recurrentDropout = recurrentDropout
    self.zeroOutputForMask = zeroOutputForMask
  }

  var configuration: Configuration {
    [
      "return_sequences": returnSequences, "return_state": returnState,
      "go_backwards": goBackwards, "dropout": dropout, "recurrent_dropout": recurrentDropout,
      "zero_output_for_mask": zeroOutputForMask,
    ]
  }

  init(configuration: Configuration) throws {
    self.init(
      returnSequences: try configuration.value("return_sequences", default: false),
      returnState: try configuration.value("return_state", default: false),
      goBackwards: try configuration.value("go_backwards", default: false),
      dropout: try configuration.value("dropout", default: 0),
      recurrentDropout: try configuration.value("recurrent_dropout", default: 0),
      zeroOutputForMask: try configuration.value("zero_output_for_mask", default: false))
  }
}

/// A layer that reads a sequence `[batch, steps, features]` one step at a time, carrying
/// states: ``SimpleRNN``, ``LSTM``, ``GRU``.
public protocol RecurrentLayer: MaskAwareLayer {
  /// The size of the output and of each state.
  var units: Int { get }
  /// How the sequence is read and returned.
  var options: RecurrentOptions { get set }
  /// The output and the final states (`[h]`, or `[h, c]` for an LSTM), Keras's
  /// `return_state=True`, for inputs `[batch, steps, features]` and a mask `[batch, steps]`.
  func run(_ input: Tensor, mask: Tensor?, context: inout LayerContext) throws -> (
    output: Tensor, states: [Tensor]
  )
}

extension RecurrentLayer {
  /// The output and the final states of a direct call, building the layer first if needed
  /// (Keras's `return_state=True`): `let (output, states) = try lstm.callReturningStates(x)`.
  public func callReturningStates(_ input: Tensor, mask: Tensor? = nil, training: Bool = false)
    throws -> (output: Tensor, states: [Tensor])
  {
    let sampleShape = Array(input.shape.dropFirst())
    _ = try outputShape(forInputShape: sampleShape)
    if !isBuilt {
      var generator = RandomGenerator(seed: 0)
      try build(inputShape: sampleShape, generator: &generator)
    }
    var context = LayerContext(isTraining: training)
    return try run(input, mask: mask, context: &context)
  }

  /// The layer in a model: the output (the states only through
  /// ``RecurrentLayer/callReturningStates(_:mask:training:)``);
  /// the mask flows on only with `returnSequences`.
  public func call(_ input: Tensor, context: inout LayerContext) throws -> Tensor {
    guard !options.returnState else {
      throw StrataError(
        .invalidArgument,
        "Layer '\(name)' (\(type(of: self))) has `returnState: true`, which returns several tensors; a Sequential model passes one tensor between layers. Call the layer with `callReturningStates(_:)` instead"
      )
    }
    let result = try run(input, mask: context.mask, context: &context)
    if !options.returnSequences { context.mask = nil }
    return result.output
  }

  /// `[units]`, or `[steps, units]` with `returnSequences`, for an input `[steps, features]`.
  func recurrentOutputShape(_ inputShape: [Int], expectedFeatures: Int?) throws -> [Int] {
    guard units > 0 else {
      throw StrataError(
        .invalidArgument,
        "Layer '\(name)' (\(type(of: self))): received an invalid value for argument `units`, expected a positive integer, got \(units)"
      )
    }
    for (argument, rate) in [
      ("dropout", options.dropout), ("recurrent_dropout", options.recurrentDropout),
    ]
    where !(rate >= 0 && rate <= 1) {
      throw StrataError(
        .invalidArgument,
        "Layer '\(name)' (\(type(of: self))): `\(argument)` must be between 0 and 1, got \(rate)")
    }
    guard inputShape.count == 2, inputShape[0] > 0, inputShape[1] > 0 else {
      throw StrataError(
        .shapeMismatch,
        "Input 0 of layer '\(name)' (\(type(of: self))) is incompatible with the layer: expected ndim=3, found ndim=\(inputShape.count + 1). Full shape received: \(batchShapeText(inputShape))"
      )
    }
    if let expectedFeatures, inputShape[1] != expectedFeatures {
      throw StrataError(
        .shapeMismatch,
        "Input 0 of layer '\(name)' (\(type(of: self))) is incompatible with the layer: expected axis -1 of input shape to have value \(expectedFeatures), but received input with shape \(batchShapeText(inputShape))"
      )
    }
    return options.returnSequences ? [inputShape[0], units] : [units]
  }
}

/// One time step of a recurrent layer: from this step's input projection `[batch, k·units]`
/// and the previous states (dropout already applied to the state used in the recurrent
/// product, `droppedHidden`), the step's output and new states.
typealias RecurrentStep = (
  _ projection: Tensor, _ states: [Tensor], _ droppedHidden: Tensor
) -> (output: Tensor, states: [Tensor])

/// A recurrent layer's weights as its step sees them (traced in training).
struct RecurrentWeights {
  var kernel: Tensor
  var recurrentKernel: Tensor
  var bias: Tensor?

  /// The weights present, in order, to hand to ``Tensor/rowParallel(_:sharing:parts:_:)``.
  var tensors: [Tensor] { [kernel, recurrentKernel] + (bias.map { [$0] } ?? []) }

  /// The same weights with `tensors` (in the order of ``tensors``) in their place.
  func taking(_ tensors: [Tensor]) -> RecurrentWeights {
    RecurrentWeights(
      kernel: tensors[0], recurrentKernel: tensors[1], bias: bias.map { _ in tensors[2] })
  }
}

/// What a recurrent layer computes with, made from its weights: the input projection's kernel
/// `[features, k·units]` and bias, and the step.
struct RecurrentCell {
  var kernel: Tensor
  var bias: Tensor?
  var step: RecurrentStep
}

/// Runs a recurrence over `input` `[batch, steps, features]`: dropout on the inputs, the input
/// projection `input · kernel + bias` of all steps in one GEMM, then the step per time step in
/// reading order, keeping the states (and the previous output) where `mask` is 0.
///
/// The samples of a batch do not depend on each other, so with several compute threads each
/// thread runs the whole recurrence for its own rows (``Tensor/rowParallel(_:sharing:parts:_:)``)
/// — `makeCell` builds the cell from that thread's copies of `weights` — instead of all threads
/// meeting at every op of every step.
func runRecurrence(
  _ input: Tensor, mask: Tensor?, weights: RecurrentWeights, stateCount: Int, units: Int,
  options: RecurrentOptions, layerName: String, context: inout LayerContext,
  makeCell: (_ weights: RecurrentWeights) -> RecurrentCell
) throws -> (output: Tensor, states: [Tensor]) {
  let (batch, steps, features) = (input.shape[0], input.shape[1], input.shape[2])
  if let mask, mask.shape != [batch, steps] {
    throw StrataError(
      .shapeMismatch,
      "Layer '\(layerName)': the time-step mask has shape \(mask.shape), expected [\(batch), \(steps)] for inputs of shape \(input.shape)"
    )
  }
  var inputMask: Tensor? = nil
  if context.isTraining, options.dropout > 0, options.dropout < 1 {
    let keep = 1 - options.dropout
    inputMask = Tensor.bernoulli(
      [batch, 1, features], probability: keep, value: 1 / keep, generator: &context.generator)
  }
  var recurrentMask: Tensor? = nil
  if context.isTraining, options.recurrentDropout > 0, options.recurrentDropout < 1 {
    let keep = 1 - options.recurrentDropout
    recurrentMask = Tensor.bernoulli(
      [batch, units], probability: keep, value: 1 / keep, generator: &context.generator)
  }
  func recur(_ rows: RecurrentRows, weights: RecurrentWeights) throws -> (Tensor, [Tensor]) {
    try recurrence(
      rows, cell: makeCell(weights), stateCount: stateCount, units: units, options: options,
      layerName: layerName)
  }
  let whole = RecurrentRows(
    sequence: input, mask: mask, inputMask: inputMask, recurrentMask: recurrentMask)
  guard Swift.min(ComputeThreads.count, batch) > 1 else {
    return try recur(whole, weights: weights)
  }
  // The output and the final states side by side in one [rows, width] tensor per thread.
  let outputShape = options.returnSequences ? [steps, units] : [units]
  let outputWidth = outputShape.reduce(1, *)
  let packed = try Tensor.rowParallel(whole.tensors, sharing: weights.tensors) { rows, shared in
    let (output, states) = try recur(whole.taking(rows), weights: weights.taking(shared))
    return Tensor.concatenating(
      [output.reshaped(to: [rows[0].shape[0], outputWidth])] + states, alongAxis: 1)
  }
  let output = packed.slice(alongAxis: 1, from: 0, count: outputWidth)
    .reshaped(to: [batch] + outputShape)
  let states = (0..<stateCount).map { state in
    packed.slice(alongAxis: 1, from: outputWidth + state * units, count: units)
  }
  return (output, states)
}

/// The batched inputs of a recurrence: the sequence, its time-step mask and the dropout masks.
private struct RecurrentRows {
  var sequence: Tensor
  var mask: Tensor?
  var inputMask: Tensor?
  var recurrentMask: Tensor?

  /// The tensors present, in order.
  var tensors: [Tensor] { [sequence] + [mask, inputMask, recurrentMask].compactMap { $0 } }

  /// The same inputs with `tensors` (in the order of ``tensors``) in their place.
  func taking(_ tensors: [Tensor]) -> RecurrentRows {
    var remaining = tensors.dropFirst().makeIterator()
    return RecurrentRows(
      sequence: tensors[0], mask: mask.map { _ in remaining.next()! },
      inputMask: inputMask.map { _ in remaining.next()! },
      recurrentMask: recurrentMask.map { _ in remaining.next()! })
  }
}

/// The loop over time steps of ``runRecurrence``, on one set of rows.
private func recurrence(
  _ rows: RecurrentRows, cell: RecurrentCell, stateCount: Int, units: Int,
  options: RecurrentOptions, layerName: String
) throws -> (output: Tensor, states: [Tensor]) {
  let input = rows.sequence
  let (batch, steps, features) = (input.shape[0], input.shape[1], input.shape[2])
  let kernel = cell.kernel
  guard features == kernel.shape[0] else {
    throw StrataError(
      .shapeMismatch,
      "Input 0 of layer '\(layerName)' is incompatible with the layer: expected axis -1 of input shape to have value \(kernel.shape[0]), but received input with shape \(input.shape)"
    )
  }
  let sequence = rows.inputMask.map { input * $0 } ?? input
  let width = kernel.shape[1]
  // Time-major projections, so that each step is one contiguous block of rows: the (narrow)
  // input is put in time order, and the projection comes out in it.
  let projections = sequence.transposed(permutation: [1, 0, 2])
    .reshaped(to: [steps * batch, features])
    .dense(kernel: kernel, bias: cell.bias, activation: .linear)
    .reshaped(to: [steps, batch, width])
  let stepMasks = rows.mask.map { $0.transposed().reshaped(to: [steps, batch, 1]) }
  let zeros = Tensor.zeros([batch, units])
  var states = [Tensor](repeating: zeros, count: stateCount)
  var previousOutput = zeros
  var outputs: [Tensor] = []
  outputs.reserveCapacity(options.returnSequences ? steps : 0)
  let order = options.goBackwards ? Array((0..<steps).reversed()) : Array(0..<steps)
  for t in order {
    let projection = projections.rows(t..<(t + 1)).reshaped(to: [batch, width])
    let droppedHidden = rows.recurrentMask.map { states[0] * $0 } ?? states[0]
    var (output, newStates) = cell.step(projection, states, droppedHidden)
    if let stepMasks {
      let keep = stepMasks.rows(t..<(t + 1)).reshaped(to: [batch, 1])
      newStates = zip(newStates, states).map { new, old in
        Tensor.selecting(new, where: keep, otherwise: old)
      }
      let masked = options.zeroOutputForMask ? zeros : previousOutput
      output = Tensor.selecting(output, where: keep, otherwise: masked)
    }
    states = newStates
    previousOutput = output
    if options.returnSequences { outputs.append(output.reshaped(to: [1, batch, units])) }
  }
  if !options.returnSequences { return (previousOutput, states) }
  let all = Tensor.concatenating(outputs, alongAxis: 0).transposed(permutation: [1, 0, 2])
  return (all, states)
}
