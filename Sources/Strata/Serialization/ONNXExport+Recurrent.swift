/// The sequence layers in ONNX: `Embedding` as `Gather`, SimpleRNN, LSTM and GRU (one
/// direction or `Bidirectional`) as ONNX's `RNN`, `LSTM` and `GRU` operators.
///
/// Keras stores a kernel `[features, gates · units]` with the gates in its order (LSTM i, f,
/// c, o; GRU z, r, h); ONNX wants `W [directions, gates · units, features]`, the recurrent
/// `R [directions, gates · units, units]` and `B [directions, 2 · gates · units]` (input bias
/// then recurrent bias), LSTM gates in the order i, o, f, c. GRU's `reset_after` is ONNX's
/// `linear_before_reset`. The operators run time-major, between `Transpose` nodes.
extension ONNXExporter {
  /// `Gather` of the embedding rows at the ids, which arrive as floats and are cast to int64.
  mutating func embed(
    _ embedding: Embedding, _ input: Value, outputShape: [Int], name base: String
  ) throws -> Value {
    guard let table = embedding.embeddings else { throw unbuiltLayerError(embedding) }
    guard !embedding.maskZero else {
      throw StrataError(
        .invalidArgument,
        "Embedding(maskZero: true) has no ONNX mapping in Strata: masks do not export")
    }
    let ids = node("Cast", [input.name], [.int("to", 7)], output: "\(base)_ids")
    let weights = constant("\(base)/embeddings", table.value)
    let name = node("Gather", [weights, ids], [.int("axis", 0)], output: base)
    return Value(name: name, shape: outputShape)
  }

  /// One recurrent layer, or the two directions of a `Bidirectional` merged by `merge`.
  mutating func recur(
    _ directions: [any RecurrentLayer], _ input: Value, outputShape: [Int], name base: String,
    merge: Bidirectional.MergeMode = .concat
  ) throws -> Value {
    guard let first = directions.first else { return input }
    let description = try Self.operatorDescription(of: first)
    for layer in directions.dropFirst() {
      let other = try Self.operatorDescription(of: layer)
      guard other.op == description.op, layer.units == first.units,
        other.activations == description.activations,
        other.linearBeforeReset == description.linearBeforeReset
      else {
        throw StrataError(
          .invalidArgument,
          "Bidirectional with different forward and backward layers has no ONNX mapping in Strata"
        )
      }
    }
    let units = first.units
    let returnSequences = first.options.returnSequences
    let direction: String
    if directions.count == 2 {
      direction = "bidirectional"
    } else {
      direction = first.options.goBackwards ? "reverse" : "forward"
    }
    var weights: [Float] = []
    var recurrentWeights: [Float] = []
    var biases: [Float] = []
    for layer in directions {
      let (kernel, recurrent, bias) = try Self.weights(of: layer)
      weights += Self.gateRows(kernel.transposed(), order: description.gateOrder, units: units)
      recurrentWeights += Self.gateRows(
        recurrent.transposed(), order: description.gateOrder, units: units)
      biases += Self.bias(bias, layer: layer, order: description.gateOrder, units: units)
    }
    let count = directions.count
    let gates = description.gateOrder.count
    let features = input.shape.last ?? 1
    var inputs = [
      node("Transpose", [input.name], [.ints("perm", [1, 0, 2])], output: "\(base)_time_major"),
      constant("\(base)/W", Tensor(shape: [count, gates * units, features], scalars: weights)),
      constant(
        "\(base)/R", Tensor(shape: [count, gates * units, units], scalars: recurrentWeights)),
    ]
    if !biases.isEmpty {
      inputs.append(
        constant("\(base)/B", Tensor(shape: [count, 2 * gates * units], scalars: biases)))
    }
    var attributes: [Attribute] = [
      .int("hidden_size", units), .string("direction", direction),
      .strings(
        "activations", Array(repeating: description.activations, count: count).flatMap { $0 }),
    ]
    if description.op == "GRU" {
      attributes.append(.int("linear_before_reset", description.linearBeforeReset ? 1 : 0))
    }
    // ONNX's outputs: Y [steps, directions, batch, units], then Y_h [directions, batch, units].
    let sequence = uniqueName("\(base)_Y")
    let last = uniqueName("\(base)_Y_h")
    node(description.op, inputs, attributes, outputs: [sequence, last])

    var output: String
    var mergeAxis: Int
    if returnSequences {
      output = node(
        "Transpose", [sequence], [.ints("perm", [2, 0, 1, 3])], output: "\(base)_batch_major")
      if direction == "reverse" {
        // Keras returns a backwards layer's outputs in reading order, ONNX at their time steps.
        output = node(
          "Slice",
          [
            output, int64Constant("\(base)/starts", [-1]),
            int64Constant("\(base)/ends", [Int(Int64.min)]), int64Constant("\(base)/axes", [1]),
            int64Constant("\(base)/steps", [-1]),
          ], output: "\(base)_reading_order")
      }
      mergeAxis = 2
    } else {
      output = node("Transpose", [last], [.ints("perm", [1, 0, 2])], output: "\(base)_batch_major")
      mergeAxis = 1
    }
    switch merge {
    case .concat:
      let shape = returnSequences ? [0, 0, count * units] : [0, count * units]
      output = node("Reshape", [output, int64Constant("\(base)/shape", shape)], output: base)
    case .sum:
      output = node(
        "ReduceSum", [output, int64Constant("\(base)/axes", [mergeAxis])], [.int("keepdims", 0)],
        output: base)
    case .average:
      output = node(
        "ReduceMean", [output], [.ints("axes", [mergeAxis]), .int("keepdims", 0)], output: base)
    case .multiply:
      output = node(
        "ReduceProd", [output], [.ints("axes", [mergeAxis]), .int("keepdims", 0)], output: base)
    }
    return Value(name: output, shape: outputShape)
  }

  /// The operator, ONNX's gate order as indices into Keras's, activations and GRU's reset
  /// placement of a recurrent layer.
  private static func operatorDescription(of layer: any RecurrentLayer) throws -> (
    op: String, gateOrder: [Int], activations: [String], linearBeforeReset: Bool
  ) {
    func onnxName(_ function: ActivationFunction) throws -> String {
      switch function.elementwise {
      case .sigmoid?: return "Sigmoid"
      case .tanh?: return "Tanh"
      case .relu?: return "Relu"
      default:
        throw StrataError(
          .invalidArgument,
          "a recurrent activation '\(function.name)' has no ONNX mapping in Strata (sigmoid, tanh and relu do)"
        )
      }
    }
    guard !layer.options.returnState else {
      throw StrataError(.invalidArgument, "returnState has no ONNX mapping in Strata")
    }
    switch layer {
    case let lstm as LSTM:
      let (f, g) = (try onnxName(lstm.recurrentActivation), try onnxName(lstm.activation))
      return ("LSTM", [0, 3, 1, 2], [f, g, g], false)
    case let gru as GRU:
      let (f, g) = (try onnxName(gru.recurrentActivation), try onnxName(gru.activation))
      return ("GRU", [0, 1, 2], [f, g], gru.resetAfter)
    case let rnn as SimpleRNN:
      return ("RNN", [0], [try onnxName(rnn.activation)], false)
    default:
      throw StrataError(.invalidArgument, "\(type(of: layer)) has no ONNX mapping in Strata")
    }
  }

  /// A recurrent layer's kernel, recurrent kernel and bias.
  private static func weights(of layer: any RecurrentLayer) throws -> (Tensor, Tensor, Tensor?) {
    let found: (Weight?, Weight?, Weight?)
    switch layer {
    case let lstm as LSTM: found = (lstm.kernel, lstm.recurrentKernel, lstm.bias)
    case let gru as GRU: found = (gru.kernel, gru.recurrentKernel, gru.bias)
    case let rnn as SimpleRNN: found = (rnn.kernel, rnn.recurrentKernel, rnn.bias)
    default: found = (nil, nil, nil)
    }
    guard let kernel = found.0, let recurrent = found.1 else { throw unbuiltLayerError(layer) }
    return (kernel.value, recurrent.value, found.2?.value)
  }

  /// The rows of a `[gates · units, columns]` matrix, gate blocks taken in `order`.
  private static func gateRows(_ matrix: Tensor, order: [Int], units: Int) -> [Float] {
    let columns = matrix.shape[1]
    let scalars = matrix.scalars
    return order.flatMap { gate in
      scalars[(gate * units * columns)..<((gate + 1) * units * columns)]
    }
  }

  /// ONNX's `B` for one direction: the input bias then the recurrent bias, gates in `order`
  /// (GRU with `resetAfter` keeps both of Keras's rows; otherwise the recurrent bias is zero).
  private static func bias(
    _ bias: Tensor?, layer: any RecurrentLayer, order: [Int], units: Int
  ) -> [Float] {
    guard let bias else { return [] }
    let scalars = bias.scalars
    let gates = order.count
    func reordered(_ row: ArraySlice<Float>) -> [Float] {
      order.flatMap { gate in
        row[(row.startIndex + gate * units)..<(row.startIndex + (gate + 1) * units)]
      }
    }
    if scalars.count == 2 * gates * units {
      return reordered(scalars[0..<(gates * units)])
        + reordered(scalars[(gates * units)..<(2 * gates * units)])
    }
    return reordered(scalars[...]) + [Float](repeating: 0, count: gates * units)
  }
}
