/// An encoder of Protocol Buffers messages, the wire format of ONNX files: fields are written
/// in the order they are added, as varints (wire type 0), length-delimited bytes (2) or
/// 32-bit little-endian values (5). Repeated fields are written one tag per element
/// (unpacked), which every parser accepts.
struct ProtobufWriter {
  /// The encoded message so far.
  private(set) var bytes: [UInt8] = []

  private mutating func appendVarint(_ value: UInt64) {
    var rest = value
    while rest >= 0x80 {
      bytes.append(UInt8(truncatingIfNeeded: rest) | 0x80)
      rest >>= 7
    }
    bytes.append(UInt8(rest))
  }

  private mutating func appendTag(_ field: Int, wireType: UInt64) {
    appendVarint(UInt64(field) << 3 | wireType)
  }

  /// An integer field (`int32`, `int64`, an enum); negative values take ten bytes, as
  /// protobuf encodes them.
  mutating func integer(_ field: Int, _ value: Int) {
    appendTag(field, wireType: 0)
    appendVarint(UInt64(bitPattern: Int64(value)))
  }

  /// A `float` field.
  mutating func float(_ field: Int, _ value: Float) {
    appendTag(field, wireType: 5)
    let bits = value.bitPattern
    for shift in stride(from: 0, to: 32, by: 8) {
      bytes.append(UInt8(truncatingIfNeeded: bits >> shift))
    }
  }

  /// A `bytes` field.
  mutating func data(_ field: Int, _ value: [UInt8]) {
    appendTag(field, wireType: 2)
    appendVarint(UInt64(value.count))
    bytes += value
  }

  /// A `string` field, UTF-8.
  mutating func string(_ field: Int, _ value: String) { data(field, Array(value.utf8)) }

  /// An embedded message.
  mutating func message(_ field: Int, _ value: ProtobufWriter) { data(field, value.bytes) }

  /// An embedded message built by `body`.
  mutating func message(_ field: Int, _ body: (inout ProtobufWriter) -> Void) {
    var inner = ProtobufWriter()
    body(&inner)
    message(field, inner)
  }
}
