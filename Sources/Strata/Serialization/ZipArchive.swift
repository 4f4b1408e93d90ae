/// A reader of zip archives as Python's `zipfile` writes them (the container of a Keras 3
/// `.keras` file): members stored or deflated, found through the central directory.
///
/// Every number read from the archive is checked against the archive's size before it is
/// used, so a damaged or hostile file is a ``StrataError`` naming the byte offset, never a
/// crash or an allocation larger than the file allows. ZIP64 archives, encrypted members and
/// methods other than stored (0) and deflate (8) are refused with what was found.
struct ZipArchive {
  /// One member as the central directory describes it.
  struct Member {
    let name: String
    let method: Int
    let compressedSize: Int
    let size: Int
    let crc: UInt32
    let localHeaderOffset: Int
    let flags: Int
  }

  /// The members in the central directory's order.
  let members: [Member]
  private let bytes: [UInt8]
  private let source: String
  /// Whether ``contents(of:)`` checks each member's CRC-32 (the fuzz target turns it off so
  /// that mutated members reach the readers behind the archive).
  private let verifiesChecksums: Bool

  /// The signature of a local file header, `PK\3\4`: how an archive starts.
  static let localHeaderSignature: [UInt8] = [0x50, 0x4B, 0x03, 0x04]

  /// Whether `bytes` begin as a zip archive does.
  static func looksLikeArchive(_ bytes: [UInt8]) -> Bool {
    bytes.starts(with: localHeaderSignature)
  }

  /// Reads the central directory of the archive in `bytes`; `source` names it in errors.
  init(bytes: [UInt8], source: String, verifiesChecksums: Bool = true) throws {
    self.bytes = bytes
    self.source = source
    self.verifiesChecksums = verifiesChecksums
    let reader = ByteReader(bytes: bytes, source: source)
    // The end-of-central-directory record is 22 bytes plus a comment of up to 65,535.
    let lowest = max(0, bytes.count - 22 - 0xFFFF)
    var end = bytes.count - 22
    while end >= lowest, !(reader.matches(end, [0x50, 0x4B, 0x05, 0x06])) { end -= 1 }
    guard end >= lowest else {
      throw StrataError(
        .fileFormat,
        "\(source): not a zip archive, or a truncated one (no end-of-central-directory record in the last \(bytes.count - lowest) bytes)"
      )
    }
    let count = try reader.uint16(end + 10)
    let directorySize = try reader.uint32(end + 12)
    let directoryOffset = try reader.uint32(end + 16)
    if count == 0xFFFF || directorySize == 0xFFFF_FFFF || directoryOffset == 0xFFFF_FFFF {
      throw StrataError(
        .fileFormat,
        "\(source): a ZIP64 archive (byte offset \(end)); Strata reads archives under 4 GiB, as Keras writes them"
      )
    }
    guard directoryOffset + directorySize <= end else {
      throw StrataError(
        .fileFormat,
        "\(source): the central directory (offset \(directoryOffset), \(directorySize) bytes) runs past its end record at byte offset \(end)"
      )
    }
    var members: [Member] = []
    var offset = directoryOffset
    for index in 0..<count {
      guard reader.matches(offset, [0x50, 0x4B, 0x01, 0x02]) else {
        throw StrataError(
          .fileFormat,
          "\(source): central directory entry \(index) at byte offset \(offset) has no signature PK\\1\\2"
        )
      }
      let nameLength = try reader.uint16(offset + 28)
      let extraLength = try reader.uint16(offset + 30)
      let commentLength = try reader.uint16(offset + 32)
      let nameBytes = try reader.slice(offset + 46, count: nameLength)
      members.append(
        Member(
          name: String(decoding: nameBytes, as: UTF8.self),
          method: try reader.uint16(offset + 10),
          compressedSize: try reader.uint32(offset + 20),
          size: try reader.uint32(offset + 24),
          crc: UInt32(try reader.uint32(offset + 16)),
          localHeaderOffset: try reader.uint32(offset + 42),
          flags: try reader.uint16(offset + 8)))
      offset += 46 + nameLength + extraLength + commentLength
      guard offset <= directoryOffset + directorySize else {
        throw StrataError(
          .fileFormat,
          "\(source): central directory entry \(index) runs past the directory's \(directorySize) bytes"
        )
      }
    }
    self.members = members
  }

  /// The names of the members, in the archive's order.
  var names: [String] { members.map(\.name) }

  /// The uncompressed bytes of the member called `name`, checked against its CRC-32.
  func contents(of name: String) throws -> [UInt8] {
    guard let member = members.first(where: { $0.name == name }) else {
      throw StrataError(
        .fileFormat,
        "\(source): the archive has no member '\(name)' (it holds \(names.map { "'\($0)'" }.joined(separator: ", ")))"
      )
    }
    let reader = ByteReader(bytes: bytes, source: source)
    let header = member.localHeaderOffset
    guard reader.matches(header, Self.localHeaderSignature) else {
      throw StrataError(
        .fileFormat,
        "\(source): member '\(name)': no local header at byte offset \(header), where the central directory points"
      )
    }
    guard member.flags & 1 == 0 else {
      throw StrataError(.fileFormat, "\(source): member '\(name)' is encrypted")
    }
    let dataStart =
      header + 30 + (try reader.uint16(header + 26)) + (try reader.uint16(header + 28))
    let stored = try reader.slice(dataStart, count: member.compressedSize)
    let output: [UInt8]
    switch member.method {
    case 0:
      guard member.size == member.compressedSize else {
        throw StrataError(
          .fileFormat,
          "\(source): stored member '\(name)' declares \(member.size) bytes but occupies \(member.compressedSize)"
        )
      }
      output = Array(stored)
    case 8:
      output = try stored.withUnsafeBufferPointer { input in
        let buffer = ByteBuffer(capacity: member.size, limit: max(member.size, 1))
        var inflater = Inflater(input: input, offset: 0, source: "\(source): member '\(name)'")
        do { try inflater.run(into: buffer) } catch is ByteBuffer.LimitReached {
          throw StrataError(
            .fileFormat,
            "\(source): member '\(name)' inflates to more than the \(member.size) bytes it declares"
          )
        }
        return Array(buffer.bytes)
      }
      guard output.count == member.size else {
        throw StrataError(
          .fileFormat,
          "\(source): member '\(name)' inflates to \(output.count) bytes, the archive declares \(member.size)"
        )
      }
    default:
      throw StrataError(
        .fileFormat,
        "\(source): member '\(name)' uses compression method \(member.method); Strata reads stored (0) and deflate (8) members"
      )
    }
    let crc = output.withUnsafeBufferPointer { CRC32.checksum($0) }
    guard crc == member.crc || !verifiesChecksums else {
      throw StrataError(
        .fileFormat,
        "\(source): member '\(name)' fails its CRC-32 check (archive says \(String(member.crc, radix: 16)), contents give \(String(crc, radix: 16)))"
      )
    }
    return output
  }
}

extension ZipArchive {
  /// A zip archive of `members`, stored (uncompressed), as Keras's `zipfile` writes a `.keras`
  /// file. Members are at most 4 GiB each and in all (no ZIP64).
  static func stored(_ members: [(name: String, contents: [UInt8])]) throws -> [UInt8] {
    func little(_ value: Int, _ count: Int) -> [UInt8] {
      (0..<count).map { UInt8(truncatingIfNeeded: value >> (8 * $0)) }
    }
    var archive: [UInt8] = []
    var directory: [UInt8] = []
    for (name, contents) in members {
      guard archive.count + contents.count < 0xFFFF_FFFF else {
        throw StrataError(
          .invalidArgument, "a zip archive over 4 GiB needs ZIP64, which Strata does not write")
      }
      let crc = Int(contents.withUnsafeBufferPointer { CRC32.checksum($0) })
      let nameBytes = Array(name.utf8)
      // Version needed 2.0, flags 0, method 0 (stored), time and date 0, then the CRC-32,
      // both sizes and the name's length (no extra field).
      let common =
        little(20, 2) + little(0, 2) + little(0, 2) + little(0, 4) + little(crc, 4)
        + little(contents.count, 4) + little(contents.count, 4) + little(nameBytes.count, 2)
        + little(0, 2)
      directory += [0x50, 0x4B, 0x01, 0x02] + little(20, 2) + common
      directory += little(0, 2) + little(0, 2) + little(0, 2) + little(0, 4)
      directory += little(archive.count, 4) + nameBytes
      archive += localHeaderSignature + common + nameBytes + contents
    }
    let directoryOffset = archive.count
    return archive + directory + [0x50, 0x4B, 0x05, 0x06] + little(0, 4)
      + little(members.count, 2) + little(members.count, 2) + little(directory.count, 4)
      + little(directoryOffset, 4) + little(0, 2)
  }
}

/// Little-endian numbers at checked offsets of a byte array: every read past the end is a
/// ``StrataError`` with the offset, for the readers of zip and HDF5 files.
struct ByteReader {
  let bytes: [UInt8]
  let source: String

  /// Throws unless `count` bytes from `offset` lie inside the array.
  func require(_ offset: Int, _ count: Int) throws {
    guard offset >= 0, count >= 0, offset <= bytes.count, count <= bytes.count - offset else {
      throw StrataError(
        .fileFormat,
        "\(source): needs \(count) bytes at byte offset \(offset), past the end of its \(bytes.count) bytes"
      )
    }
  }

  /// The unsigned little-endian integer of `size` bytes (1 to 8) at `offset`; at most 2⁶³ − 1.
  func integer(_ offset: Int, size: Int) throws -> Int {
    try require(offset, size)
    var value: UInt64 = 0
    for index in (0..<size).reversed() { value = value << 8 | UInt64(bytes[offset + index]) }
    guard value <= UInt64(Int.max) else {
      throw StrataError(.fileFormat, "\(source): the number at byte offset \(offset) is too large")
    }
    return Int(value)
  }

  func uint8(_ offset: Int) throws -> Int { try integer(offset, size: 1) }
  func uint16(_ offset: Int) throws -> Int { try integer(offset, size: 2) }
  func uint32(_ offset: Int) throws -> Int { try integer(offset, size: 4) }

  /// Whether the bytes at `offset` are `expected` (false when the file ends first).
  func matches(_ offset: Int, _ expected: [UInt8]) -> Bool {
    guard offset >= 0, offset <= bytes.count - expected.count else { return false }
    return bytes[offset..<offset + expected.count].elementsEqual(expected)
  }

  /// `count` bytes from `offset`.
  func slice(_ offset: Int, count: Int) throws -> ArraySlice<UInt8> {
    try require(offset, count)
    return bytes[offset..<offset + count]
  }
}
