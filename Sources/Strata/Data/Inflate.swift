/// A DEFLATE (RFC 1951) decoder and the gzip (RFC 1952) container around it, in pure Swift.
///
/// Huffman codes are decoded through lookup tables indexed by the next bits of the stream, so
/// every symbol costs one table read; back-references copy within the output buffer. Errors
/// name the byte offset in the compressed input where decoding failed.
enum Gzip {
  /// The decompressed contents of a gzip file (all members, concatenated), with each member's
  /// CRC-32 and length checked. Output beyond `limit` bytes is an error, found as soon as the
  /// decoder would write it (its message ends with `limitReason`): the trailer's length field
  /// is only a hint and is not trusted for memory.
  static func decompress(
    _ data: [UInt8], source: String, limit: Int = 1 << 30,
    limitReason: String = "the most this reader accepts"
  ) throws -> [UInt8] {
    try data.withUnsafeBufferPointer { input in
      let output = ByteBuffer(capacity: initialCapacity(input, limit: limit), limit: limit)
      var offset = 0
      do {
        repeat {
          offset = try decompressMember(input, at: offset, into: output, source: source)
        } while offset < input.count && input[offset] == 0x1F
      } catch is ByteBuffer.LimitReached {
        throw StrataError(
          .fileFormat,
          "\(source): decompresses to more than \(limit) bytes, \(limitReason)")
      }
      return Array(output.bytes)
    }
  }

  /// The first bytes a gzip file decompresses to: at least `count` of them unless the data is
  /// shorter, without decoding (or checking) the rest. Readers use it to see a header, and so
  /// the size it declares, before inflating the whole file.
  static func decompressedPrefix(_ data: [UInt8], count: Int, source: String) throws -> [UInt8] {
    try data.withUnsafeBufferPointer { input in
      // A back-reference writes at most 258 bytes at once.
      let output = ByteBuffer(capacity: count + 258, limit: count + 258)
      var offset = 0
      do {
        repeat {
          offset = try decompressMember(input, at: offset, into: output, source: source)
        } while offset < input.count && input[offset] == 0x1F
      } catch is ByteBuffer.LimitReached {}
      return Array(output.bytes.prefix(count))
    }
  }

  /// The last member's length field (ISIZE) as a first guess of the output size, trusted no
  /// further than `limit` and DEFLATE's largest ratio (1,032 : 1).
  private static func initialCapacity(_ input: UnsafeBufferPointer<UInt8>, limit: Int) -> Int {
    guard input.count >= 4 else { return Swift.min(limit, 1024) }
    let n = input.count
    let size =
      Int(input[n - 4]) | Int(input[n - 3]) << 8 | Int(input[n - 2]) << 16 | Int(input[n - 1])
      << 24
    let (bound, overflow) = input.count.multipliedReportingOverflow(by: 1032)
    return Swift.min(size, limit, overflow ? Int.max : bound)
  }

  private static func fail(_ source: String, _ offset: Int, _ what: String) -> StrataError {
    StrataError(.fileFormat, "\(source): \(what) at byte offset \(offset)")
  }

  /// Decodes one gzip member starting at `start`; returns the offset after its trailer.
  private static func decompressMember(
    _ input: UnsafeBufferPointer<UInt8>, at start: Int, into output: ByteBuffer, source: String
  ) throws -> Int {
    guard input.count - start >= 18 else {
      throw fail(source, start, "not a gzip file (too short for a header and trailer)")
    }
    guard input[start] == 0x1F, input[start + 1] == 0x8B else {
      throw fail(
        source, start,
        "not a gzip file (expected magic bytes 1f 8b, found \(hex(input[start])) \(hex(input[start + 1])))"
      )
    }
    guard input[start + 2] == 8 else {
      throw fail(
        source, start + 2,
        "unsupported gzip compression method \(input[start + 2]) (expected 8, deflate)")
    }
    let flags = input[start + 3]
    var offset = start + 10
    func need(_ count: Int) throws {
      if offset + count > input.count { throw fail(source, offset, "truncated gzip header") }
    }
    if flags & 0x04 != 0 {
      try need(2)
      let extra = Int(input[offset]) | Int(input[offset + 1]) << 8
      offset += 2
      try need(extra)
      offset += extra
    }
    for flag in [UInt8(0x08), 0x10] where flags & flag != 0 {
      while true {
        try need(1)
        offset += 1
        if input[offset - 1] == 0 { break }
      }
    }
    if flags & 0x02 != 0 {
      try need(2)
      offset += 2
    }
    let first = output.count
    var inflater = Inflater(input: input, offset: offset, source: source)
    try inflater.run(into: output)
    offset = inflater.byteOffsetAfterStream
    guard offset + 8 <= input.count else {
      throw fail(
        source, offset, "truncated gzip file (the 8-byte CRC-32 and length trailer is missing)")
    }
    let expectedCRC =
      UInt32(input[offset]) | UInt32(input[offset + 1]) << 8 | UInt32(input[offset + 2]) << 16
      | UInt32(input[offset + 3]) << 24
    let expectedSize =
      UInt32(input[offset + 4]) | UInt32(input[offset + 5]) << 8 | UInt32(input[offset + 6]) << 16
      | UInt32(input[offset + 7]) << 24
    let produced = output.count - first
    guard UInt32(truncatingIfNeeded: produced) == expectedSize else {
      throw fail(
        source, offset + 4,
        "gzip length mismatch (trailer says \(expectedSize) bytes, decoded \(produced))")
    }
    let actualCRC = CRC32.checksum(UnsafeBufferPointer(rebasing: output.bytes[first...]))
    guard actualCRC == expectedCRC else {
      throw fail(
        source, offset,
        "gzip CRC-32 mismatch (trailer says \(String(expectedCRC, radix: 16)), data gives \(String(actualCRC, radix: 16)))"
      )
    }
    return offset + 8
  }

  private static func hex(_ byte: UInt8) -> String {
    let text = String(byte, radix: 16)
    return text.count == 1 ? "0" + text : text
  }
}

/// CRC-32 (IEEE 802.3, reflected polynomial 0xEDB88320), as gzip and zip use, computed
/// eight bytes at a time ("slicing by 8").
enum CRC32 {
  /// Eight 256-entry tables: `tables[k][b]` is the CRC of byte `b` followed by `k` zero bytes.
  static let tables: [UInt32] = {
    var table = [UInt32](repeating: 0, count: 256 * 8)
    for n in 0..<256 {
      var c = UInt32(n)
      for _ in 0..<8 { c = c & 1 != 0 ? 0xEDB8_8320 ^ (c >> 1) : c >> 1 }
      table[n] = c
    }
    for k in 1..<8 {
      for n in 0..<256 {
        let previous = table[(k - 1) * 256 + n]
        table[k * 256 + n] = table[Int(previous & 0xFF)] ^ (previous >> 8)
      }
    }
    return table
  }()

  /// The CRC-32 of `bytes`.
  static func checksum(_ bytes: UnsafeBufferPointer<UInt8>) -> UInt32 {
    tables.withUnsafeBufferPointer { t in
      var c: UInt32 = 0xFFFF_FFFF
      guard var p = bytes.baseAddress else { return 0 }
      var remaining = bytes.count
      while remaining >= 8 {
        let low = UInt32(p[0]) | UInt32(p[1]) << 8 | UInt32(p[2]) << 16 | UInt32(p[3]) << 24
        let one = c ^ low
        c =
          t[7 * 256 + Int(one & 0xFF)] ^ t[6 * 256 + Int((one >> 8) & 0xFF)]
          ^ t[5 * 256 + Int((one >> 16) & 0xFF)] ^ t[4 * 256 + Int(one >> 24)]
          ^ t[3 * 256 + Int(p[4])] ^ t[2 * 256 + Int(p[5])] ^ t[256 + Int(p[6])] ^ t[Int(p[7])]
        p += 8
        remaining -= 8
      }
      while remaining > 0 {
        c = t[Int((c ^ UInt32(p[0])) & 0xFF)] ^ (c >> 8)
        p += 1
        remaining -= 1
      }
      return c ^ 0xFFFF_FFFF
    }
  }
}

/// The DEFLATE decoder proper.
struct Inflater {
  private let input: UnsafeBufferPointer<UInt8>
  private let source: String
  private var position: Int
  private var bitBuffer: UInt64 = 0
  private var bitCount = 0

  init(input: UnsafeBufferPointer<UInt8>, offset: Int, source: String) {
    self.input = input
    self.position = offset
    self.source = source
  }

  /// The offset of the first byte after the stream (unused bits of the last byte dropped).
  var byteOffsetAfterStream: Int { position - bitCount / 8 }

  private func fail(_ what: String) -> StrataError {
    StrataError(.fileFormat, "\(source): \(what) at byte offset \(byteOffsetAfterStream)")
  }

  /// Tops the bit buffer up to at least 57 bits while input remains.
  @inline(__always) private mutating func refill() {
    while bitCount <= 56 && position < input.count {
      bitBuffer |= UInt64(input[position]) << UInt64(bitCount)
      position += 1
      bitCount += 8
    }
  }

  @inline(__always) private mutating func bits(_ count: Int) throws -> Int {
    if bitCount < count {
      refill()
      if bitCount < count { throw fail("unexpected end of compressed data") }
    }
    let value = Int(bitBuffer & ((1 << UInt64(count)) - 1))
    bitBuffer >>= UInt64(count)
    bitCount -= count
    return value
  }

  /// A canonical Huffman code as a lookup table over the next `maximumLength` bits: each
  /// entry is `symbol << 4 | length` (length 0 marks an unused code).
  struct HuffmanTable {
    var entries: [UInt32]
    var maximumLength: Int

    init?(lengths: [Int]) {
      let maximum = lengths.max() ?? 0
      guard maximum > 0 else {
        entries = []
        maximumLength = 0
        return
      }
      var counts = [Int](repeating: 0, count: 16)
      for length in lengths where length > 0 { counts[length] += 1 }
      // Over-subscribed codes are invalid (incomplete ones are allowed, as zlib does for
      // single-code distance tables).
      var left = 1
      for length in 1...15 {
        left <<= 1
        left -= counts[length]
        if left < 0 { return nil }
      }
      // The first code of each length (RFC 1951 §3.2.2).
      var nextCode = [Int](repeating: 0, count: 16)
      var code = 0
      for length in 1...15 {
        nextCode[length] = code
        code = (code + counts[length]) << 1
      }
      maximumLength = maximum
      let size = 1 << maximum
      entries = [UInt32](repeating: 0, count: size)
      entries.withUnsafeMutableBufferPointer { table in
        for (symbol, length) in lengths.enumerated() where length > 0 {
          let assigned = nextCode[length]
          nextCode[length] += 1
          var reversed = 0
          for bit in 0..<length where assigned & (1 << bit) != 0 {
            reversed |= 1 << (length - 1 - bit)
          }
          let entry = UInt32(symbol << 4 | length)
          var index = reversed
          while index < size {
            table[index] = entry
            index += 1 << length
          }
        }
      }
    }
  }

  @inline(__always) private mutating func decode(_ table: HuffmanTable) throws -> Int {
    if bitCount < table.maximumLength { refill() }
    let entry = table.entries[Int(bitBuffer & ((1 << UInt64(table.maximumLength)) - 1))]
    let length = Int(entry & 15)
    guard length > 0, length <= bitCount else {
      throw fail(length == 0 ? "invalid Huffman code" : "unexpected end of compressed data")
    }
    bitBuffer >>= UInt64(length)
    bitCount -= length
    return Int(entry >> 4)
  }

  static let lengthBase = [
    3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31, 35, 43, 51, 59, 67, 83, 99, 115, 131,
    163, 195, 227, 258,
  ]
  static let lengthExtra = [
    0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0,
  ]
  static let distanceBase = [
    1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129, 193, 257, 385, 513, 769, 1025, 1537, 2049,
    3073, 4097,
    6145, 8193, 12289, 16385, 24577,
  ]
  static let distanceExtra = [
    0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13,
    13,
  ]
  static let codeLengthOrder = [16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15]

  static let fixedLiterals = HuffmanTable(
    lengths: (0..<288).map { $0 < 144 ? 8 : $0 < 256 ? 9 : $0 < 280 ? 7 : 8 })!
  static let fixedDistances = HuffmanTable(lengths: [Int](repeating: 5, count: 30))!

  /// Decodes blocks until the final one, appending to `output`.
  mutating func run(into output: ByteBuffer) throws {
    var isFinal = false
    while !isFinal {
      isFinal = try bits(1) == 1
      switch try bits(2) {
      case 0:
        // Stored: skip to a byte boundary, LEN and NLEN, then raw bytes.
        let drop = bitCount % 8
        _ = try bits(drop)
        let length = try bits(16)
        let complement = try bits(16)
        guard length == ~complement & 0xFFFF else {
          throw fail("corrupt stored block (LEN and NLEN disagree)")
        }
        for _ in 0..<length { try output.append(UInt8(try bits(8))) }
      case 1:
        try inflateBlock(
          literals: Inflater.fixedLiterals, distances: Inflater.fixedDistances, into: output)
      case 2:
        let (literals, distances) = try readDynamicTables()
        try inflateBlock(literals: literals, distances: distances, into: output)
      default:
        throw fail("invalid deflate block type 3")
      }
    }
    // Return whole unused bytes to the input.
    let unusedBytes = bitCount / 8
    position -= unusedBytes
    bitCount -= unusedBytes * 8
    bitBuffer &= (1 << UInt64(bitCount)) - 1
  }

  private mutating func readDynamicTables() throws -> (HuffmanTable, HuffmanTable) {
    let literalCount = try bits(5) + 257
    let distanceCount = try bits(5) + 1
    let codeLengthCount = try bits(4) + 4
    guard literalCount <= 286, distanceCount <= 30 else {
      throw fail("too many length or distance codes")
    }
    var codeLengths = [Int](repeating: 0, count: 19)
    for i in 0..<codeLengthCount { codeLengths[Inflater.codeLengthOrder[i]] = try bits(3) }
    guard let codeLengthTable = HuffmanTable(lengths: codeLengths),
      codeLengthTable.maximumLength > 0
    else {
      throw fail("invalid code-length code")
    }
    var lengths: [Int] = []
    lengths.reserveCapacity(literalCount + distanceCount)
    while lengths.count < literalCount + distanceCount {
      let symbol = try decode(codeLengthTable)
      switch symbol {
      case 0...15:
        lengths.append(symbol)
      case 16:
        guard let previous = lengths.last else { throw fail("repeat code with no previous length") }
        lengths += [Int](repeating: previous, count: 3 + (try bits(2)))
      case 17:
        lengths += [Int](repeating: 0, count: 3 + (try bits(3)))
      default:
        lengths += [Int](repeating: 0, count: 11 + (try bits(7)))
      }
    }
    guard lengths.count == literalCount + distanceCount else {
      throw fail("code lengths overrun their count")
    }
    guard lengths[256] > 0 else { throw fail("missing end-of-block code") }
    guard let literals = HuffmanTable(lengths: Array(lengths[0..<literalCount])),
      let distances = HuffmanTable(lengths: Array(lengths[literalCount...]))
    else { throw fail("over-subscribed Huffman code") }
    return (literals, distances)
  }

  private mutating func inflateBlock(
    literals: HuffmanTable, distances: HuffmanTable, into output: ByteBuffer
  ) throws {
    // The hot loop keeps the bit buffer and the output cursor in locals and reads every table
    // through a pointer; state goes back to `self` and `output` whenever it leaves the loop.
    // Near the end of the input it falls back to the checked `decodeSlowly`.
    let literalMask = (UInt64(1) << UInt64(literals.maximumLength)) - 1
    let distanceMask = (UInt64(1) << UInt64(distances.maximumLength)) - 1
    let hasDistances = distances.maximumLength > 0
    let end = input.count
    let source = input.baseAddress!
    let tables = Inflater.matchTables
    var buffer = bitBuffer
    var available = bitCount
    var cursor = position
    defer {
      bitBuffer = buffer
      bitCount = available
      position = cursor
    }
    try literals.entries.withUnsafeBufferPointer { literalTable in
      try distances.entries.withUnsafeBufferPointer { distanceTable in
        try tables.withUnsafeBufferPointer { matchTable in
          let lengthBase = matchTable.baseAddress!
          let lengthExtra = lengthBase + 29
          let distanceBase = lengthBase + 58
          let distanceExtra = lengthBase + 88
          while true {
            if cursor + 8 <= end {
              // Refill to at least 56 bits with one unaligned 8-byte read.
              let word = UInt64(
                littleEndian: UnsafeRawPointer(source + cursor).loadUnaligned(as: UInt64.self))
              buffer |= word << UInt64(available)
              cursor += (63 - available) >> 3
              available |= 56
            } else {
              (bitBuffer, bitCount, position) = (buffer, available, cursor)
              let endOfBlock = try decodeSlowly(
                literals: literals, distances: distances, into: output)
              (buffer, available, cursor) = (bitBuffer, bitCount, position)
              if endOfBlock { return }
              continue
            }
            let entry = literalTable[Int(buffer & literalMask)]
            let length = Int(entry & 15)
            guard length > 0 else { throw fail("invalid Huffman code") }
            buffer >>= UInt64(length)
            available -= length
            let symbol = Int(entry >> 4)
            if symbol < 256 {
              try output.append(UInt8(truncatingIfNeeded: symbol))
              continue
            }
            if symbol == 256 { return }
            let lengthIndex = symbol - 257
            guard lengthIndex < 29, hasDistances else {
              throw fail(
                lengthIndex < 29
                  ? "back-reference without a distance code" : "invalid length symbol \(symbol)")
            }
            // At least 56 − 15 = 41 bits remain: enough for 5 extra length bits, a 15-bit
            // distance code and 13 extra distance bits (33 in all).
            let extraLength = lengthExtra[lengthIndex]
            let matchLength =
              lengthBase[lengthIndex] + Int(buffer & ((1 << UInt64(extraLength)) - 1))
            buffer >>= UInt64(extraLength)
            available -= extraLength
            let distanceEntry = distanceTable[Int(buffer & distanceMask)]
            let distanceLength = Int(distanceEntry & 15)
            guard distanceLength > 0 else { throw fail("invalid Huffman code") }
            buffer >>= UInt64(distanceLength)
            available -= distanceLength
            let distanceSymbol = Int(distanceEntry >> 4)
            guard distanceSymbol < 30 else {
              throw fail("invalid distance symbol \(distanceSymbol)")
            }
            let extraDistance = distanceExtra[distanceSymbol]
            let distance =
              distanceBase[distanceSymbol] + Int(buffer & ((1 << UInt64(extraDistance)) - 1))
            buffer >>= UInt64(extraDistance)
            available -= extraDistance
            guard distance <= output.count else {
              throw fail("back-reference distance \(distance) reaches before the start")
            }
            try output.copyMatch(distance: distance, length: matchLength)
          }
        }
      }
    }
  }

  /// `lengthBase`, `lengthExtra`, `distanceBase`, `distanceExtra` in one array (29, 29, 30, 30).
  static let matchTables = lengthBase + lengthExtra + distanceBase + distanceExtra

  /// One symbol (and its match) with every read checked; returns true at the end of block.
  private mutating func decodeSlowly(
    literals: HuffmanTable, distances: HuffmanTable, into output: ByteBuffer
  ) throws -> Bool {
    let symbol = try decode(literals)
    if symbol < 256 {
      try output.append(UInt8(truncatingIfNeeded: symbol))
      return false
    }
    if symbol == 256 { return true }
    let lengthIndex = symbol - 257
    guard lengthIndex < 29 else { throw fail("invalid length symbol \(symbol)") }
    let length = Inflater.lengthBase[lengthIndex] + (try bits(Inflater.lengthExtra[lengthIndex]))
    guard distances.maximumLength > 0 else { throw fail("back-reference without a distance code") }
    let distanceSymbol = try decode(distances)
    guard distanceSymbol < 30 else { throw fail("invalid distance symbol \(distanceSymbol)") }
    let distance =
      Inflater.distanceBase[distanceSymbol] + (try bits(Inflater.distanceExtra[distanceSymbol]))
    guard distance <= output.count else {
      throw fail("back-reference distance \(distance) reaches before the start")
    }
    try output.copyMatch(distance: distance, length: length)
    return false
  }
}

/// A growable byte buffer written by the inflater: appends and overlapping back-copies
/// without the copy-on-write checks of `Array`, and never more than `limit` bytes.
final class ByteBuffer {
  /// Thrown when a write would take the buffer past its limit.
  struct LimitReached: Error {}

  private(set) var base: UnsafeMutablePointer<UInt8>
  private(set) var count = 0
  private var capacity: Int
  let limit: Int

  init(capacity: Int, limit: Int) {
    self.limit = limit
    self.capacity = Swift.max(Swift.min(capacity, limit), 1)
    base = UnsafeMutablePointer<UInt8>.allocate(capacity: self.capacity)
  }

  deinit { base.deallocate() }

  @inline(__always) func reserve(_ extra: Int) throws {
    guard count + extra > capacity else { return }
    try grow(count + extra)
  }

  private func grow(_ needed: Int) throws {
    guard needed <= limit else { throw LimitReached() }
    capacity = Swift.min(limit, Swift.max(capacity * 2, needed))
    let grown = UnsafeMutablePointer<UInt8>.allocate(capacity: capacity)
    grown.initialize(from: base, count: count)
    base.deallocate()
    base = grown
  }

  @inline(__always) func append(_ byte: UInt8) throws {
    try reserve(1)
    base[count] = byte
    count += 1
  }

  /// Repeats the `length` bytes that start `distance` bytes back (they may overlap the copy).
  @inline(__always) func copyMatch(distance: Int, length: Int) throws {
    try reserve(length)
    let destination = base + count
    let start = destination - distance
    if distance >= length {
      destination.update(from: start, count: length)
    } else if distance == 1 {
      destination.update(repeating: start.pointee, count: length)
    } else {
      // The output is periodic with period `distance` from `start` on: copy from a multiple
      // of the period back, doubling it each time, so source and destination never overlap.
      var copied = 0
      var back = distance
      while copied < length {
        let size = Swift.min(back, length - copied)
        (destination + copied).update(from: destination + copied - back, count: size)
        copied += size
        back *= 2
      }
    }
    count += length
  }

  var bytes: UnsafeBufferPointer<UInt8> { UnsafeBufferPointer(start: base, count: count) }
}
