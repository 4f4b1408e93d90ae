// The arguments of the layers that slide a window over their input — convolutions and
// pooling — and the checks they share, each naming the layer and the argument.

extension Padding: ConfigurationRepresentable {
  /// `"valid"`, `"same"` or `"causal"`, as Keras writes it.
  public var configurationValue: ConfigurationValue { .string(rawValue) }

  /// Reads `"valid"`, `"same"` or `"causal"` (in any case, as Keras accepts).
  public init(configurationValue value: ConfigurationValue) throws {
    guard let padding = Padding(rawValue: try String(configurationValue: value).lowercased())
    else { throw unexpected(value, expected: "\"valid\", \"same\" or \"causal\"") }
    self = padding
  }
}

/// Throws unless `values` has `count` entries, each positive: the check every convolution and
/// pooling layer makes of its sizes, naming the layer and the argument.
func checkSpatial(
  _ values: [Int], count: Int, argument: String, layer: String, type: String
) throws {
  guard values.count == count, values.allSatisfy({ $0 > 0 }) else {
    throw StrataError(
      .invalidArgument,
      "Layer '\(layer)' (\(type)): `\(argument)` must be \(count == 1 ? "a positive integer" : "\(count) positive integers"). Received: \(argument)=\(values)"
    )
  }
}

/// Throws unless `filters`, `groups`, `padding`, `strides` and `dilationRate` are usable: the
/// checks Keras's convolution layers make.
func checkConvolutionArguments(
  filters: Int, groups: Int, padding: Padding, allowsCausal: Bool, strides: [Int],
  dilationRate: [Int], layer: String, type: String
) throws {
  let count = allowsCausal ? 1 : 2
  guard filters > 0 else {
    throw StrataError(
      .invalidArgument,
      "Layer '\(layer)' (\(type)): invalid value for argument `filters`. Expected a strictly positive value. Received filters=\(filters)."
    )
  }
  guard groups > 0, filters % groups == 0 else {
    throw StrataError(
      .invalidArgument,
      "Layer '\(layer)' (\(type)): the number of filters must be evenly divisible by the number of groups. Received: groups=\(groups), filters=\(filters)."
    )
  }
  guard padding != .causal || allowsCausal else {
    throw StrataError(
      .invalidArgument,
      "Layer '\(layer)' (\(type)): `padding` must be .valid or .same (.causal is for Conv1D)."
    )
  }
  try checkSpatial(strides, count: count, argument: "strides", layer: layer, type: type)
  try checkSpatial(dilationRate, count: count, argument: "dilationRate", layer: layer, type: type)
  guard strides.allSatisfy({ $0 == 1 }) || dilationRate.allSatisfy({ $0 == 1 }) else {
    throw StrataError(
      .invalidArgument,
      "Layer '\(layer)' (\(type)): `strides > 1` is not supported in conjunction with `dilationRate > 1`. Received: strides=\(strides) and dilationRate=\(dilationRate)"
    )
  }
}

/// The channel count of a per-sample input of `rank` axes (`[height, width, channels]` for
/// rank 3), or a ``StrataError`` saying the layer wants another rank.
func imageChannels(_ inputShape: [Int], rank: Int, layer: String, type: String) throws -> Int {
  guard inputShape.count == rank, let channels = inputShape.last,
    inputShape.allSatisfy({ $0 > 0 })
  else {
    let expected = rank == 3 ? "(batch, height, width, channels)" : "(batch, steps, channels)"
    throw StrataError(
      .shapeMismatch,
      "Input 0 of layer '\(layer)' (\(type)) is incompatible with the layer: expected inputs of rank \(rank + 1) \(expected), received input with shape \(batchShapeText(inputShape))"
    )
  }
  return channels
}

/// Throws unless `channels` divide into `groups`.
func checkGroups(channels: Int, groups: Int, layer: String, type: String) throws {
  guard channels % groups == 0 else {
    throw StrataError(
      .shapeMismatch,
      "Layer '\(layer)' (\(type)): the number of input channels must be evenly divisible by the number of groups. Received groups=\(groups), but the input has \(channels) channels."
    )
  }
}

/// The window's geometry over the spatial axes of `inputShape` (`[height, width, …]`), or a
/// ``StrataError`` naming both shapes when the window does not fit, as Keras's "Computed
/// output size would be zero or negative".
func fittedGeometry(
  inputShape: [Int], window: [Int], strides: [Int], dilation: [Int], padding: Padding,
  what: String, layer: String, type: String
) throws -> WindowGeometry {
  let geometry = WindowGeometry(
    inputSize: Array(inputShape.prefix(2)), windowSize: window, strides: strides,
    dilation: dilation, padding: padding)
  guard geometry.isValid else {
    throw StrataError(
      .shapeMismatch,
      "Layer '\(layer)' (\(type)): the \(what) \(window)\(dilation.allSatisfy { $0 == 1 } ? "" : " dilated by \(dilation)") does not fit the input \(batchShapeText(inputShape)) with \(padding.rawValue) padding: computed output size would be zero or negative."
    )
  }
  return geometry
}
