/// Strata's JSON reader and writer for configuration values (RFC 8259).
///
/// The writer is deterministic — keys sorted, numbers in their shortest exact form — so equal
/// configurations give equal bytes. The reader treats its input as hostile: it accepts only
/// strict JSON, at most ``maximumDepth`` levels deep, refuses duplicate keys and numbers beyond
/// `Double`'s range, and reports the byte offset of what it could not read.
enum JSON {
  /// The deepest nesting the reader accepts.
  static let maximumDepth = 64

  /// The JSON text of `value`; throws for a non-finite number, which JSON cannot hold.
  static func encode(_ value: ConfigurationValue) throws -> String {
    var output = ""
    try write(value, to: &output)
    return output
  }

  private static func write(_ value: ConfigurationValue, to output: inout String) throws {
    switch value {
    case .null: output += "null"
    case .bool(let flag): output += flag ? "true" : "false"
    case .integer(let integer): output += String(integer)
    case .number(let number):
      guard number.isFinite else {
        throw StrataError(
          .invalidArgument, "JSON cannot hold the number \(number); write it as a string")
      }
      // Swift prints the shortest digits that read back as the same Double, and always
      // with a fraction or an exponent ("1.0", "1e-07"), so a reader keeps it a number.
      output += number.description
    case .string(let text): writeString(text, to: &output)
    case .array(let elements):
      output += "["
      for (index, element) in elements.enumerated() {
        if index > 0 { output += "," }
        try write(element, to: &output)
      }
      output += "]"
    case .object(let configuration):
      output += "{"
      for (index, (key, entry)) in configuration.entries.sorted(by: { $0.key < $1.key })
        .enumerated()
      {
        if index > 0 { output += "," }
        writeString(key, to: &output)
        output += ":"
        try write(entry, to: &output)
      }
      output += "}"
    }
  }

  private static func writeString(_ text: String, to output: inout String) {
    output += "\""
    for scalar in text.unicodeScalars {
      switch scalar {
      case "\"": output += "\\\""
      case "\\": output += "\\\\"
      case "\n": output += "\\n"
      case "\r": output += "\\r"
      case "\t": output += "\\t"
      case _ where scalar.value < 0x20:
        let hex = String(scalar.value, radix: 16)
        output += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
      default: output.unicodeScalars.append(scalar)
      }
    }
    output += "\""
  }

  /// Parses JSON text; errors say what was wrong and at which byte offset of `bytes`.
  static func decode(_ bytes: [UInt8]) throws -> ConfigurationValue {
    var reader = Reader(bytes: bytes)
    reader.skipWhitespace()
    let value = try reader.readValue(depth: 0)
    reader.skipWhitespace()
    guard reader.offset == bytes.count else { throw reader.failure("unexpected trailing data") }
    return value
  }

  /// Parses JSON text.
  static func decode(_ text: String) throws -> ConfigurationValue {
    try decode(Array(text.utf8))
  }

  private struct Reader {
    let bytes: [UInt8]
    var offset = 0

    func failure(_ what: String) -> StrataError {
      StrataError(.fileFormat, "malformed JSON: \(what) at byte offset \(offset)")
    }

    mutating func skipWhitespace() {
      while offset < bytes.count, [0x20, 0x09, 0x0A, 0x0D].contains(bytes[offset]) {
        offset += 1
      }
    }

    mutating func expect(_ literal: String, _ value: ConfigurationValue) throws
      -> ConfigurationValue
    {
      let utf8 = Array(literal.utf8)
      guard offset + utf8.count <= bytes.count, Array(bytes[offset..<(offset + utf8.count)]) == utf8
      else { throw failure("unexpected character") }
      offset += utf8.count
      return value
    }

    mutating func readValue(depth: Int) throws -> ConfigurationValue {
      guard depth < JSON.maximumDepth else {
        throw failure("nesting deeper than \(JSON.maximumDepth) levels")
      }
      guard offset < bytes.count else { throw failure("unexpected end of text") }
      switch bytes[offset] {
      case UInt8(ascii: "n"): return try expect("null", .null)
      case UInt8(ascii: "t"): return try expect("true", .bool(true))
      case UInt8(ascii: "f"): return try expect("false", .bool(false))
      case UInt8(ascii: "\""): return .string(try readString())
      case UInt8(ascii: "["): return try readArray(depth: depth)
      case UInt8(ascii: "{"): return try readObject(depth: depth)
      case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return try readNumber()
      default: throw failure("unexpected character")
      }
    }

    mutating func readArray(depth: Int) throws -> ConfigurationValue {
      offset += 1
      var elements: [ConfigurationValue] = []
      skipWhitespace()
      if offset < bytes.count, bytes[offset] == UInt8(ascii: "]") {
        offset += 1
        return .array(elements)
      }
      while true {
        skipWhitespace()
        elements.append(try readValue(depth: depth + 1))
        skipWhitespace()
        guard offset < bytes.count else { throw failure("unterminated array") }
        if bytes[offset] == UInt8(ascii: "]") {
          offset += 1
          return .array(elements)
        }
        guard bytes[offset] == UInt8(ascii: ",") else { throw failure("expected ',' or ']'") }
        offset += 1
      }
    }

    mutating func readObject(depth: Int) throws -> ConfigurationValue {
      offset += 1
      var entries: [String: ConfigurationValue] = [:]
      skipWhitespace()
      if offset < bytes.count, bytes[offset] == UInt8(ascii: "}") {
        offset += 1
        return .object(Configuration(entries))
      }
      while true {
        skipWhitespace()
        guard offset < bytes.count, bytes[offset] == UInt8(ascii: "\"") else {
          throw failure("expected a string key")
        }
        let keyOffset = offset
        let key = try readString()
        skipWhitespace()
        guard offset < bytes.count, bytes[offset] == UInt8(ascii: ":") else {
          throw failure("expected ':'")
        }
        offset += 1
        skipWhitespace()
        let value = try readValue(depth: depth + 1)
        guard entries.updateValue(value, forKey: key) == nil else {
          offset = keyOffset
          throw failure("duplicate key \"\(key)\"")
        }
        skipWhitespace()
        guard offset < bytes.count else { throw failure("unterminated object") }
        if bytes[offset] == UInt8(ascii: "}") {
          offset += 1
          return .object(Configuration(entries))
        }
        guard bytes[offset] == UInt8(ascii: ",") else { throw failure("expected ',' or '}'") }
        offset += 1
      }
    }

    mutating func readNumber() throws -> ConfigurationValue {
      let start = offset
      var isInteger = true
      func digits() -> Int {
        let first = offset
        while offset < bytes.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[offset])
        {
          offset += 1
        }
        return offset - first
      }
      if bytes[offset] == UInt8(ascii: "-") { offset += 1 }
      let leadingZero = offset < bytes.count && bytes[offset] == UInt8(ascii: "0")
      let integerDigits = digits()
      guard integerDigits > 0, !(leadingZero && integerDigits > 1) else {
        throw failure("malformed number")
      }
      if offset < bytes.count, bytes[offset] == UInt8(ascii: ".") {
        isInteger = false
        offset += 1
        guard digits() > 0 else { throw failure("malformed number") }
      }
      if offset < bytes.count,
        bytes[offset] == UInt8(ascii: "e") || bytes[offset] == UInt8(ascii: "E")
      {
        isInteger = false
        offset += 1
        if offset < bytes.count,
          bytes[offset] == UInt8(ascii: "+") || bytes[offset] == UInt8(ascii: "-")
        {
          offset += 1
        }
        guard digits() > 0 else { throw failure("malformed number") }
      }
      let text = String(decoding: bytes[start..<offset], as: UTF8.self)
      if isInteger, let integer = Int(text) { return .integer(integer) }
      guard let number = Double(text), number.isFinite else {
        offset = start
        throw failure("number \(text) is beyond the range of a double")
      }
      return .number(number)
    }

    mutating func readHex4() throws -> UInt32 {
      guard offset + 4 <= bytes.count else { throw failure("truncated \\u escape") }
      var value: UInt32 = 0
      for _ in 0..<4 {
        guard let digit = UInt32(String(UnicodeScalar(bytes[offset])), radix: 16) else {
          throw failure("malformed \\u escape")
        }
        value = value << 4 | digit
        offset += 1
      }
      return value
    }

    mutating func readString() throws -> String {
      offset += 1
      var scalars = String.UnicodeScalarView()
      var runStart = offset
      func flushRun() throws {
        guard let run = String(validating: bytes[runStart..<offset], as: UTF8.self) else {
          throw failure("invalid UTF-8 in a string")
        }
        scalars.append(contentsOf: run.unicodeScalars)
      }
      while true {
        guard offset < bytes.count else { throw failure("unterminated string") }
        let byte = bytes[offset]
        if byte == UInt8(ascii: "\"") {
          try flushRun()
          offset += 1
          return String(scalars)
        }
        guard byte >= 0x20 else { throw failure("control character in a string") }
        guard byte == UInt8(ascii: "\\") else {
          offset += 1
          continue
        }
        try flushRun()
        offset += 1
        guard offset < bytes.count else { throw failure("unterminated escape") }
        let escape = bytes[offset]
        offset += 1
        switch escape {
        case UInt8(ascii: "\""): scalars.append("\"")
        case UInt8(ascii: "\\"): scalars.append("\\")
        case UInt8(ascii: "/"): scalars.append("/")
        case UInt8(ascii: "b"): scalars.append("\u{08}")
        case UInt8(ascii: "f"): scalars.append("\u{0C}")
        case UInt8(ascii: "n"): scalars.append("\n")
        case UInt8(ascii: "r"): scalars.append("\r")
        case UInt8(ascii: "t"): scalars.append("\t")
        case UInt8(ascii: "u"):
          var code = try readHex4()
          if (0xD800..<0xDC00).contains(code) {
            guard offset + 2 <= bytes.count, bytes[offset] == UInt8(ascii: "\\"),
              bytes[offset + 1] == UInt8(ascii: "u")
            else { throw failure("unpaired surrogate in a \\u escape") }
            offset += 2
            let low = try readHex4()
            guard (0xDC00..<0xE000).contains(low) else {
              throw failure("unpaired surrogate in a \\u escape")
            }
            code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00)
          }
          guard let scalar = Unicode.Scalar(code) else {
            throw failure("invalid code point in a \\u escape")
          }
          scalars.append(scalar)
        default: throw failure("unknown escape")
        }
        runStart = offset
      }
    }
  }
}
