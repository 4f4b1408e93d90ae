import Foundation

/// Model weights in the safetensors format (the format of PyTorch and Hugging Face): an 8-byte
/// little-endian header length, a JSON header naming each tensor with its dtype, shape and
/// byte range, then the little-endian float32 data.
///
/// Tensor names say which layer and which weight: `dense/kernel`,
/// `batch_normalization/moving_mean`.
extension Sequential {
  /// The safetensors name of each weight, in Keras's order.
  var weightNames: [String] {
    layers.flatMap { layer in layer.weightNames.map { "\(layer.name)/\($0)" } }
  }

  /// Writes every weight to `url` in the safetensors format, atomically (a temporary file in
  /// the same folder, flushed, then renamed): a failure never destroys the previous file.
  public func saveWeights(to url: URL) throws {
    guard isBuilt else {
      throw StrataError(
        .invalidState,
        "saveWeights(to:): model '\(name)' has no weights yet; build it or fit it first.")
    }
    // Names may have changed since the model was built; two equal ones would share a tensor.
    try checkLayerNames()
    try writeSafetensors(Array(zip(weightNames, weights.map(\.value))), metadata: [:], to: url)
  }

  /// Reads weights written by ``saveWeights(to:)`` or ``save(to:)`` (or any safetensors file
  /// with the same names and shapes; a model file's optimizer slots are skipped). Everything is
  /// checked before anything changes: on error the model is as it was, and the error names the
  /// file and the tensor.
  public func loadWeights(from url: URL) throws {
    let data: Data
    do { data = try Data(contentsOf: url) } catch {
      throw StrataError(.fileFormat, "\(url.path): cannot be read (\(describe(error)))")
    }
    try loadWeights(safetensors: [UInt8](data), source: url.path)
  }

  func loadWeights(safetensors bytes: [UInt8], source: String) throws {
    let tensors = try parseSafetensors(bytes, source: source)
    try loadWeights(tensors: tensors.filter { !$0.key.hasPrefix("optimizer/") }, source: source)
  }

  func loadWeights(tensors: [String: Tensor], source: String) throws {
    let names = weightNames
    guard isBuilt else {
      throw StrataError(
        .invalidState,
        "\(source): model '\(name)' has no weights yet; build it before loading weights.")
    }
    var values: [Tensor] = []
    for (name, weight) in zip(names, weights) {
      guard let tensor = tensors[name] else {
        throw StrataError(
          .fileFormat,
          "\(source): tensor '\(name)' is missing (the file holds \(tensors.keys.sorted().joined(separator: ", ")))"
        )
      }
      guard tensor.shape == weight.shape else {
        throw StrataError(
          .shapeMismatch,
          "\(source): tensor '\(name)' has shape \(tensor.shape), the layer's weight has shape \(weight.shape)"
        )
      }
      if let problem = weight.problem(with: tensor) {
        throw StrataError(.invalidData, "\(source): tensor '\(name)' \(problem)")
      }
      values.append(tensor)
    }
    if let extra = Set(tensors.keys).subtracting(names).sorted().first {
      throw StrataError(
        .fileFormat, "\(source): tensor '\(extra)' does not belong to any weight of model '\(name)'"
      )
    }
    for (weight, value) in zip(weights, values) { weight.value = value }
  }
}

/// Writes named float32 tensors and string metadata as a safetensors file, atomically.
func writeSafetensors(_ tensors: [(String, Tensor)], metadata: [String: String], to url: URL) throws
{
  var header: [String: Any] = [
    "__metadata__": metadata.merging(["format": "pt", "producer": "Strata"]) { a, _ in a }
  ]
  var offset = 0
  for (name, value) in tensors {
    let size = value.scalarCount * 4
    header[name] = ["dtype": "F32", "shape": value.shape, "data_offsets": [offset, offset + size]]
    offset += size
  }
  var json = try JSONSerialization.data(withJSONObject: header, options: [.sortedKeys])
  while json.count % 8 != 0 { json.append(0x20) }
  var data = Data(capacity: 8 + json.count + offset)
  var length = UInt64(json.count).littleEndian
  withUnsafeBytes(of: &length) { data.append(contentsOf: $0) }
  data.append(json)
  for (_, value) in tensors {
    value.withUnsafeScalars { scalars in
      // Float's in-memory layout is little-endian on every platform Swift supports here.
      data.append(contentsOf: UnsafeRawBufferPointer(scalars))
    }
  }
  try writeAtomically(data, to: url)
}

/// The float32 tensors of a safetensors file, by name; throws on anything malformed.
func parseSafetensors(_ bytes: [UInt8], source: String) throws -> [String: Tensor] {
  try parseSafetensorsWithMetadata(bytes, source: source).tensors
}

/// The tensors and the string metadata of a safetensors file.
func parseSafetensorsWithMetadata(
  _ bytes: [UInt8], source: String
) throws -> (tensors: [String: Tensor], metadata: [String: String]) {
  func fail(_ what: String, _ offset: Int) -> StrataError {
    StrataError(.fileFormat, "\(source): \(what) at byte offset \(offset)")
  }
  guard bytes.count >= 8 else {
    throw fail("too short for a safetensors header (\(bytes.count) bytes)", 0)
  }
  var headerLength: UInt64 = 0
  for i in 0..<8 { headerLength |= UInt64(bytes[i]) << (8 * UInt64(i)) }
  guard headerLength <= UInt64(bytes.count - 8) else {
    throw fail(
      "header length \(headerLength) exceeds the file's \(bytes.count - 8) remaining bytes", 0)
  }
  let dataStart = 8 + Int(headerLength)
  let header: Configuration
  do {
    header = try Configuration(configurationValue: try JSON.decode(Array(bytes[8..<dataStart])))
  } catch let error as StrataError {
    throw StrataError(
      .fileFormat,
      "\(source): the header (from byte offset 8) is not a JSON object: \(error.message) of the header"
    )
  }
  let dataLength = bytes.count - dataStart
  var result: [String: Tensor] = [:]
  var ranges: [(Int, Int, String)] = []
  for name in header.keys where name != "__metadata__" {
    let dtype: String
    let shape: [Int]
    let offsets: [Int]
    do {
      let entry = try header.nested(name)
      (dtype, shape, offsets) = (
        try entry.value("dtype"), try entry.value("shape"), try entry.value("data_offsets")
      )
    } catch let error as StrataError {
      throw fail("tensor '\(name)' has a malformed header entry (\(error.message))", 8)
    }
    guard offsets.count == 2 else {
      throw fail("tensor '\(name)' has \(offsets.count) data offsets, expected 2", 8)
    }
    guard dtype == "F32" else {
      throw fail("tensor '\(name)' has dtype \(dtype); only F32 is supported", 8)
    }
    // The shape must describe no more values than the data bytes hold: computed without
    // overflow, before anything is allocated.
    var count = 1
    for dimension in shape {
      let (product, overflow) = count.multipliedReportingOverflow(by: dimension)
      guard dimension >= 0, !overflow, product <= dataLength / 4 else {
        throw fail(
          "tensor '\(name)' has shape \(shape), more values than the \(dataLength) data bytes hold",
          8)
      }
      count = product
    }
    let (begin, end) = (offsets[0], offsets[1])
    guard begin >= 0, end >= begin, end <= dataLength, end - begin == count * 4 else {
      throw fail(
        "tensor '\(name)' has data offsets [\(begin), \(end)] that do not fit its shape \(shape) and the \(dataLength) data bytes",
        8)
    }
    ranges.append((begin, end, name))
    var scalars = [Float](repeating: 0, count: count)
    for i in 0..<count {
      let o = dataStart + begin + 4 * i
      let bits =
        UInt32(bytes[o]) | UInt32(bytes[o + 1]) << 8 | UInt32(bytes[o + 2]) << 16 | UInt32(
          bytes[o + 3]) << 24
      scalars[i] = Float(bitPattern: bits)
    }
    result[name] = Tensor(shape: shape, scalars: scalars)
  }
  ranges.sort { $0.0 < $1.0 }
  for (a, b) in zip(ranges, ranges.dropFirst()) where b.0 < a.1 {
    throw fail("tensors '\(a.2)' and '\(b.2)' overlap", dataStart + b.0)
  }
  var metadata: [String: String] = [:]
  if let entry = header["__metadata__"] {
    do {
      let values = try Configuration(configurationValue: entry)
      for key in values.keys { metadata[key] = try values.value(key) }
    } catch let error as StrataError {
      throw fail("the header's __metadata__ is not an object of strings (\(error.message))", 8)
    }
  }
  return (result, metadata)
}
