import Foundation

/// The file formats ``Sequential/export(to:format:)`` writes.
public enum ExportFormat: String, Sendable {
  /// ONNX (IR version 8, opset 17), for onnxruntime and every other ONNX runtime: Keras's
  /// `model.export(path, format="onnx")`.
  case onnx
}

extension Sequential {
  /// Writes the model, for inference, in another framework's format: Keras's
  /// `model.export(path, format=…)`.
  ///
  /// For ``ExportFormat/onnx``: one graph whose input `input` and output `output` have a
  /// symbolic batch dimension `batch` and the model's shapes, channels-last as in Strata
  /// (convolutions and pooling run channels-first inside, between `Transpose` nodes). Dense
  /// becomes `Gemm` (`MatMul` and `Add` on sequences), BatchNormalization its inference form,
  /// Dropout `Identity`, activations their ONNX operators or compositions (swish, gelu), and
  /// Conv1D/2D, Max/AveragePooling1D/2D, Global pooling, Flatten, Reshape, ZeroPadding2D and
  /// LayerNormalization theirs; Embedding becomes `Gather`, SimpleRNN, LSTM and GRU (and
  /// `Bidirectional` of them) ONNX's `RNN`, `LSTM` and `GRU` with the gates reordered (masks
  /// have no mapping). A layer or activation without an ONNX mapping is a
  /// ``StrataError`` naming it, before anything is written; the file is written atomically.
  public func export(to url: URL, format: ExportFormat) throws {
    switch format {
    case .onnx:
      var exporter = ONNXExporter(model: self)
      let bytes = try exporter.modelBytes()
      try writeAtomically(Data(bytes), to: url)
    }
  }
}

/// Builds the ONNX graph of a built ``Sequential`` model.
struct ONNXExporter {
  /// ONNX `TensorProto.DataType` values.
  private enum DataType: Int {
    case float = 1
    case int64 = 7
  }

  /// A value flowing through the graph: its name, its per-sample shape as Strata sees it
  /// (channels last) and whether it is held channels-first (`[batch, channels, spatial…]`).
  struct Value {
    var name: String
    var shape: [Int]
    var channelsFirst = false
  }

  let model: Sequential
  var nodes: [ProtobufWriter] = []
  private var initializers: [ProtobufWriter] = []
  private var usedNames = Set<String>()

  init(model: Sequential) { self.model = model }

  /// The encoded `ModelProto`.
  mutating func modelBytes() throws -> [UInt8] {
    guard model.isBuilt, let inputShape = model.inputShape else {
      throw StrataError(
        .invalidState,
        "export(to:format:): model '\(model.name)' is not built yet; fit it or give its first layer an inputShape"
      )
    }
    var value = Value(name: "input", shape: inputShape)
    usedNames.insert("input")
    for layer in model.layers {
      do { value = try convert(layer, value) } catch let error as StrataError {
        throw error.prefixed("export(to:format: .onnx): layer '\(layer.name)'")
      }
    }
    value = channelsLast(value)
    node("Identity", [value.name], output: "output")
    let outputShape = value.shape
    var graph = ProtobufWriter()
    for node in nodes { graph.message(1, node) }
    graph.string(2, model.name)
    for initializer in initializers { graph.message(5, initializer) }
    graph.message(11) { Self.valueInfo(&$0, name: "input", shape: inputShape) }
    graph.message(12) { Self.valueInfo(&$0, name: "output", shape: outputShape) }
    var onnx = ProtobufWriter()
    onnx.integer(1, 8)  // ir_version
    onnx.string(2, "Strata")  // producer_name
    onnx.message(7, graph)
    onnx.message(8) { opset in
      opset.string(1, "")
      opset.integer(2, 17)
    }
    return onnx.bytes
  }

  /// A `ValueInfoProto` of a float tensor `[batch, shape…]`.
  private static func valueInfo(_ info: inout ProtobufWriter, name: String, shape: [Int]) {
    info.string(1, name)
    info.message(2) { type in
      type.message(1) { tensor in
        tensor.integer(1, DataType.float.rawValue)
        tensor.message(2) { dims in
          dims.message(1) { $0.string(2, "batch") }
          for size in shape { dims.message(1) { $0.integer(1, size) } }
        }
      }
    }
  }

  // MARK: Graph building

  /// A fresh value name derived from `base`.
  mutating func uniqueName(_ base: String) -> String {
    var name = base
    var counter = 1
    while usedNames.contains(name) {
      name = "\(base)_\(counter)"
      counter += 1
    }
    usedNames.insert(name)
    return name
  }

  /// An ONNX attribute.
  enum Attribute {
    case int(String, Int)
    case ints(String, [Int])
    case float(String, Float)
    case string(String, String)
    case strings(String, [String])
  }

  /// Adds a node; returns the name of its output.
  @discardableResult
  mutating func node(
    _ op: String, _ inputs: [String], _ attributes: [Attribute] = [], output: String? = nil
  ) -> String {
    let outputName = output.map { uniqueName($0) } ?? uniqueName(op.lowercased())
    node(op, inputs, attributes, outputs: [outputName])
    return outputName
  }

  /// Adds a node with the given (unique) output names.
  mutating func node(
    _ op: String, _ inputs: [String], _ attributes: [Attribute], outputs: [String]
  ) {
    var node = ProtobufWriter()
    for input in inputs { node.string(1, input) }
    for output in outputs { node.string(2, output) }
    node.string(3, "\(outputs.first ?? op)_node")
    node.string(4, op)
    for attribute in attributes {
      node.message(5) { proto in
        switch attribute {
        case .int(let name, let value):
          proto.string(1, name)
          proto.integer(3, value)
          proto.integer(20, 2)
        case .ints(let name, let values):
          proto.string(1, name)
          for value in values { proto.integer(8, value) }
          proto.integer(20, 7)
        case .float(let name, let value):
          proto.string(1, name)
          proto.float(2, value)
          proto.integer(20, 1)
        case .string(let name, let value):
          proto.string(1, name)
          proto.string(4, value)
          proto.integer(20, 3)
        case .strings(let name, let values):
          proto.string(1, name)
          for value in values { proto.string(9, value) }
          proto.integer(20, 8)
        }
      }
    }
    nodes.append(node)
  }

  /// Adds a float initializer; returns its name.
  mutating func constant(_ name: String, _ tensor: Tensor) -> String {
    let unique = uniqueName(name)
    var proto = ProtobufWriter()
    for size in tensor.shape { proto.integer(1, size) }
    proto.integer(2, DataType.float.rawValue)
    proto.string(8, unique)
    var raw: [UInt8] = []
    raw.reserveCapacity(tensor.scalarCount * 4)
    for scalar in tensor.scalars {
      let bits = scalar.bitPattern.littleEndian
      raw += [
        UInt8(truncatingIfNeeded: bits), UInt8(truncatingIfNeeded: bits >> 8),
        UInt8(truncatingIfNeeded: bits >> 16), UInt8(truncatingIfNeeded: bits >> 24),
      ]
    }
    proto.data(9, raw)
    initializers.append(proto)
    return unique
  }

  /// Adds a one-dimensional int64 initializer; returns its name.
  mutating func int64Constant(_ name: String, _ values: [Int]) -> String {
    let unique = uniqueName(name)
    var proto = ProtobufWriter()
    proto.integer(1, values.count)
    proto.integer(2, DataType.int64.rawValue)
    proto.string(8, unique)
    var raw: [UInt8] = []
    for value in values {
      let bits = UInt64(bitPattern: Int64(value))
      for shift in stride(from: 0, to: 64, by: 8) {
        raw.append(UInt8(truncatingIfNeeded: bits >> shift))
      }
    }
    proto.data(9, raw)
    initializers.append(proto)
    return unique
  }

  /// A scalar float initializer.
  mutating func scalar(_ name: String, _ value: Float) -> String {
    constant(name, Tensor(shape: [], scalars: [value]))
  }

  // MARK: Layouts

  /// `value` held channels-first (`[batch, channels, spatial…]`), transposing if needed.
  mutating func channelsFirst(_ value: Value) -> Value {
    guard !value.channelsFirst, value.shape.count >= 2 else { return value }
    let rank = value.shape.count + 1
    let permutation = [0, rank - 1] + Array(1..<(rank - 1))
    let name = node("Transpose", [value.name], [.ints("perm", permutation)], output: "to_nchw")
    return Value(name: name, shape: value.shape, channelsFirst: true)
  }

  /// `value` held channels-last, as Strata holds it, transposing if needed.
  mutating func channelsLast(_ value: Value) -> Value {
    guard value.channelsFirst else { return value }
    let rank = value.shape.count + 1
    let permutation = [0] + Array(2..<rank) + [1]
    let name = node("Transpose", [value.name], [.ints("perm", permutation)], output: "to_nhwc")
    return Value(name: name, shape: value.shape, channelsFirst: false)
  }

  // MARK: Layers

  mutating func convert(_ layer: any Layer, _ input: Value) throws -> Value {
    let outputShape = try layer.outputShape(forInputShape: input.shape)
    let base = layer.name
    switch layer {
    case let dense as Dense:
      guard let kernel = dense.kernel else { throw unbuiltLayerError(dense) }
      let x = channelsLast(input)
      let weight = constant("\(base)/kernel", kernel.value)
      var output: String
      if x.shape.count == 1, let bias = dense.bias {
        output = node(
          "Gemm", [x.name, weight, constant("\(base)/bias", bias.value)], output: base)
      } else {
        output = node("MatMul", [x.name, weight], output: base)
        if let bias = dense.bias {
          output = node("Add", [output, constant("\(base)/bias", bias.value)], output: base)
        }
      }
      return try activation(
        dense.activation, Value(name: output, shape: outputShape), name: base)
    case let activationLayer as Activation:
      return try activation(
        activationLayer.activation,
        Value(
          name: input.name, shape: outputShape, channelsFirst: input.channelsFirst),
        name: base)
    case let embedding as Embedding:
      return try embed(embedding, input, outputShape: outputShape, name: base)
    case let bidirectional as Bidirectional:
      return try recur(
        [bidirectional.forwardLayer, bidirectional.backwardLayer], input,
        outputShape: outputShape, name: base, merge: bidirectional.mergeMode)
    case let recurrent as any RecurrentLayer:
      return try recur([recurrent], input, outputShape: outputShape, name: base)
    case let wrapper as TimeDistributed
    where wrapper.layer is Dense || wrapper.layer is Activation || wrapper.layer is Dropout:
      // These act on the last axis alone, so they apply to every time step as they are.
      return try convert(wrapper.layer, input)
    case let normalization as UnitNormalization:
      // x · min(1/√(Σx²), 1e12) over the axes, channels last as Strata counts them.
      let x = channelsLast(input)
      let rank = x.shape.count + 1
      let axes = normalization.axes.map { $0 < 0 ? $0 + rank : $0 }
      let squares = node("Mul", [x.name, x.name], output: "\(base)_squares")
      let sum = node(
        "ReduceSum", [squares, int64Constant("\(base)/axes", axes)], [.int("keepdims", 1)],
        output: "\(base)_sum")
      let inverse = node(
        "Reciprocal", [node("Sqrt", [sum], output: "\(base)_norm")], output: "\(base)_inverse")
      let bounded = node(
        "Min", [inverse, scalar("\(base)/bound", 1e12)], output: "\(base)_bounded")
      return Value(name: node("Mul", [x.name, bounded], output: base), shape: outputShape)
    case is Dropout, is SpatialDropout2D, is GaussianNoise, is GaussianDropout, is AlphaDropout:
      let name = node("Identity", [input.name], output: base)
      return Value(name: name, shape: outputShape, channelsFirst: input.channelsFirst)
    case let normalization as BatchNormalization:
      guard let mean = normalization.movingMean, let variance = normalization.movingVariance
      else { throw unbuiltLayerError(normalization) }
      guard try normalization.featureIndex(rank: input.shape.count + 1) == input.shape.count
      else {
        throw StrataError(
          .invalidArgument,
          "ONNX export: layer '\(normalization.name)' (BatchNormalization) normalises axis \(normalization.axis), not the last one; Strata exports the channels-last form only"
        )
      }
      let x = input.shape.count == 1 ? input : channelsFirst(input)
      let channels = mean.value.shape
      let scale = constant(
        "\(base)/gamma", normalization.gamma?.value ?? Tensor.ones(channels))
      let offset = constant("\(base)/beta", normalization.beta?.value ?? Tensor.zeros(channels))
      let name = node(
        "BatchNormalization",
        [
          x.name, scale, offset, constant("\(base)/moving_mean", mean.value),
          constant("\(base)/moving_variance", variance.value),
        ],
        [.float("epsilon", normalization.epsilon)], output: base)
      return Value(name: name, shape: outputShape, channelsFirst: x.channelsFirst)
    case let normalization as LayerNormalization:
      let x = channelsLast(input)
      let features = [x.shape.last ?? 1]
      let scale = constant("\(base)/gamma", normalization.gamma?.value ?? Tensor.ones(features))
      let offset = constant("\(base)/beta", normalization.beta?.value ?? Tensor.zeros(features))
      let name = node(
        "LayerNormalization", [x.name, scale, offset],
        [.int("axis", -1), .float("epsilon", normalization.epsilon)], output: base)
      return Value(name: name, shape: outputShape)
    case let convolution as Conv2D:
      guard let kernel = convolution.kernel else { throw unbuiltLayerError(convolution) }
      return try convolve(
        input, kernel: kernel.value, bias: convolution.bias?.value,
        strides: convolution.strides, dilation: convolution.dilationRate,
        padding: convolution.padding, groups: convolution.groups,
        activation: convolution.activation, outputShape: outputShape, name: base)
    case let convolution as Conv1D:
      guard let kernel = convolution.kernel else { throw unbuiltLayerError(convolution) }
      return try convolve(
        input, kernel: kernel.value, bias: convolution.bias?.value,
        strides: convolution.strides, dilation: convolution.dilationRate,
        padding: convolution.padding, groups: convolution.groups,
        activation: convolution.activation, outputShape: outputShape, name: base)
    case let pooling as MaxPooling2D:
      return pool(
        "MaxPool", input, size: pooling.poolSize, strides: pooling.strides,
        padding: pooling.padding, outputShape: outputShape, name: base)
    case let pooling as MaxPooling1D:
      return pool(
        "MaxPool", input, size: pooling.poolSize, strides: pooling.strides,
        padding: pooling.padding, outputShape: outputShape, name: base)
    case let pooling as AveragePooling2D:
      return pool(
        "AveragePool", input, size: pooling.poolSize, strides: pooling.strides,
        padding: pooling.padding, outputShape: outputShape, name: base)
    case let pooling as AveragePooling1D:
      return pool(
        "AveragePool", input, size: pooling.poolSize, strides: pooling.strides,
        padding: pooling.padding, outputShape: outputShape, name: base)
    case let pooling as GlobalAveragePooling2D:
      return globalPool("GlobalAveragePool", input, pooling.keepDims, outputShape, base)
    case let pooling as GlobalAveragePooling1D:
      return globalPool("GlobalAveragePool", input, pooling.keepDims, outputShape, base)
    case let pooling as GlobalMaxPooling2D:
      return globalPool("GlobalMaxPool", input, pooling.keepDims, outputShape, base)
    case let pooling as GlobalMaxPooling1D:
      return globalPool("GlobalMaxPool", input, pooling.keepDims, outputShape, base)
    case is Flatten:
      let x = channelsLast(input)
      return Value(
        name: node("Flatten", [x.name], [.int("axis", 1)], output: base), shape: outputShape)
    case let reshape as Reshape:
      let x = channelsLast(input)
      let shape = int64Constant("\(base)/shape", [0] + reshape.targetShape)
      return Value(name: node("Reshape", [x.name, shape], output: base), shape: outputShape)
    case let padding as ZeroPadding2D:
      // [top, bottom, left, right] as ONNX's begins then ends over every axis of the layout.
      let (top, bottom, left, right) = (
        padding.padding[0], padding.padding[1], padding.padding[2], padding.padding[3]
      )
      let pads =
        input.channelsFirst
        ? [0, 0, top, left, 0, 0, bottom, right] : [0, top, left, 0, 0, bottom, right, 0]
      let name = node("Pad", [input.name, int64Constant("\(base)/pads", pads)], output: base)
      return Value(name: name, shape: outputShape, channelsFirst: input.channelsFirst)
    default:
      throw StrataError(
        .invalidArgument,
        "\(type(of: layer)) has no ONNX mapping in Strata (exported: Dense, Activation, Dropout, SpatialDropout2D, GaussianNoise, GaussianDropout, AlphaDropout, UnitNormalization, BatchNormalization, LayerNormalization, Conv1D, Conv2D, Max/AveragePooling1D/2D, Global pooling, Flatten, Reshape, ZeroPadding2D, Embedding, SimpleRNN, LSTM, GRU, Bidirectional, TimeDistributed of Dense)"
      )
    }
  }

  /// A convolution over one or two spatial axes, with its bias and activation.
  private mutating func convolve(
    _ input: Value, kernel: Tensor, bias: Tensor?, strides: [Int], dilation: [Int],
    padding: Padding, groups: Int, activation function: ActivationFunction,
    outputShape: [Int], name base: String
  ) throws -> Value {
    let x = channelsFirst(input)
    let spatial = kernel.rank - 2
    // Strata's [k…, in / groups, filters] as ONNX's [filters, in / groups, k…].
    let onnxKernel = kernel.transposed(permutation: [spatial + 1, spatial] + Array(0..<spatial))
    let kernelSize = Array(kernel.shape.prefix(spatial))
    var inputs = [x.name, constant("\(base)/kernel", onnxKernel)]
    if let bias { inputs.append(constant("\(base)/bias", bias)) }
    let pads = Self.pads(
      inputSize: Array(input.shape.prefix(spatial)), window: kernelSize, strides: strides,
      dilation: dilation, padding: padding)
    let name = node(
      "Conv", inputs,
      [
        .ints("kernel_shape", kernelSize), .ints("strides", strides),
        .ints("dilations", dilation), .ints("pads", pads), .int("group", groups),
      ], output: base)
    return try activation(
      function, Value(name: name, shape: outputShape, channelsFirst: true), name: base)
  }

  /// Max or average pooling over one or two spatial axes (averages count real pixels only).
  private mutating func pool(
    _ op: String, _ input: Value, size: [Int], strides: [Int], padding: Padding,
    outputShape: [Int], name base: String
  ) -> Value {
    let x = channelsFirst(input)
    let spatial = input.shape.count - 1
    // Strata keeps a 1-D window as [1, size]; ONNX wants one entry per spatial axis.
    let (window, steps) = (Array(size.suffix(spatial)), Array(strides.suffix(spatial)))
    let pads = Self.pads(
      inputSize: Array(input.shape.prefix(spatial)), window: window, strides: steps,
      dilation: [Int](repeating: 1, count: spatial), padding: padding)
    var attributes: [Attribute] = [
      .ints("kernel_shape", window), .ints("strides", steps), .ints("pads", pads),
    ]
    if op == "AveragePool" { attributes.append(.int("count_include_pad", 0)) }
    let name = node(op, [x.name], attributes, output: base)
    return Value(name: name, shape: outputShape, channelsFirst: true)
  }

  /// Global pooling: `[batch, channels]`, or kept spatial axes of size 1.
  private mutating func globalPool(
    _ op: String, _ input: Value, _ keepDims: Bool, _ outputShape: [Int], _ base: String
  ) -> Value {
    let x = channelsFirst(input)
    let pooled = node(op, [x.name], output: keepDims ? base : "\(base)_pooled")
    guard !keepDims else { return Value(name: pooled, shape: outputShape, channelsFirst: true) }
    return Value(
      name: node("Flatten", [pooled], [.int("axis", 1)], output: base), shape: outputShape)
  }

  /// ONNX `pads` (all begins, then all ends) for Keras's padding over the spatial axes.
  private static func pads(
    inputSize: [Int], window: [Int], strides: [Int], dilation: [Int], padding: Padding
  ) -> [Int] {
    var begins: [Int] = []
    var ends: [Int] = []
    for axis in 0..<inputSize.count {
      // WindowGeometry has Keras's arithmetic for two axes: use it on (1, this axis).
      let geometry = WindowGeometry(
        inputSize: [1, inputSize[axis]], windowSize: [1, window[axis]],
        strides: [1, strides[axis]],
        dilation: [1, dilation[axis]], padding: padding)
      begins.append(geometry.padding[2])
      ends.append(geometry.padding[3])
    }
    return begins + ends
  }

  /// The nodes of an activation function applied to `value`.
  mutating func activation(
    _ function: ActivationFunction, _ value: Value, name base: String
  ) throws -> Value {
    var result = value
    func emit(_ name: String) -> Value {
      Value(name: name, shape: value.shape, channelsFirst: value.channelsFirst)
    }
    let output = "\(base)_\(function.name)"
    guard let elementwise = function.elementwise else {
      if function == .softmax {
        result = channelsLast(value)
        return Value(
          name: node("Softmax", [result.name], [.int("axis", -1)], output: output),
          shape: value.shape)
      }
      throw StrataError(
        .invalidArgument, "activation '\(function.name)' has no ONNX mapping in Strata")
    }
    let x = value.name
    switch elementwise {
    case .linear: return value
    case .relu: return emit(node("Relu", [x], output: output))
    case .sigmoid: return emit(node("Sigmoid", [x], output: output))
    case .tanh: return emit(node("Tanh", [x], output: output))
    case .softplus: return emit(node("Softplus", [x], output: output))
    case .elu(let alpha): return emit(node("Elu", [x], [.float("alpha", alpha)], output: output))
    case .selu:
      return emit(
        node(
          "Selu", [x],
          [
            .float("alpha", ElementwiseActivation.seluAlpha),
            .float("gamma", ElementwiseActivation.seluScale),
          ], output: output))
    case .leakyRelu(let alpha):
      return emit(node("LeakyRelu", [x], [.float("alpha", alpha)], output: output))
    case .swish:
      let sigmoid = node("Sigmoid", [x], output: "\(base)_sigmoid")
      return emit(node("Mul", [x, sigmoid], output: output))
    case .gelu(let approximate):
      let half = node("Mul", [x, scalar("\(base)/half", 0.5)], output: "\(base)_half")
      let inner: String
      if approximate {
        // 0.5x(1 + tanh(√(2/π)(x + 0.044715x³)))
        let cube = node("Mul", [x, node("Mul", [x, x], output: "\(base)_square")])
        let sum = node("Add", [x, node("Mul", [cube, scalar("\(base)/c", 0.044715)])])
        let scaled = node("Mul", [sum, scalar("\(base)/k", Float((2 / Double.pi).squareRoot()))])
        inner = node("Tanh", [scaled])
      } else {
        // 0.5x(1 + erf(x/√2))
        inner = node("Erf", [node("Div", [x, scalar("\(base)/sqrt2", Float(2).squareRoot())])])
      }
      let onePlus = node("Add", [inner, scalar("\(base)/one", 1)])
      return emit(node("Mul", [half, onePlus], output: output))
    }
  }
}
