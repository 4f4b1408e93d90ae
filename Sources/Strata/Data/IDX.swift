import Foundation

/// The IDX format of MNIST and Fashion-MNIST: two zero bytes, a type code (0x08 for unsigned
/// bytes), the number of dimensions, each dimension as a big-endian 32-bit integer, then the
/// values in row-major order. Files may be gzip-compressed (`.gz`).
public enum IDX {
  /// The dimensions and bytes of an IDX file of unsigned bytes.
  public struct Contents {
    /// The dimensions, outermost first (`[60000, 28, 28]` for MNIST training images).
    public var shape: [Int]
    /// The values, row-major.
    public var bytes: [UInt8]
  }

  /// Reads an IDX file, decompressing it first when it is gzip-compressed (by its content,
  /// not its name).
  public static func read(contentsOf url: URL) throws -> Contents {
    let raw: Data
    do { raw = try Data(contentsOf: url) } catch {
      throw StrataError(.fileFormat, "\(url.path): cannot be read (\(error.localizedDescription))")
    }
    var bytes = [UInt8](raw)
    if bytes.count >= 2 && bytes[0] == 0x1F && bytes[1] == 0x8B {
      bytes = try Gzip.decompress(bytes, source: url.path)
    }
    return try parse(bytes, source: url.path)
  }

  /// Parses the bytes of an (uncompressed) IDX file; `source` names it in errors.
  public static func parse(_ bytes: [UInt8], source: String) throws -> Contents {
    guard bytes.count >= 4 else {
      throw StrataError(
        .fileFormat,
        "\(source): too short for an IDX header (\(bytes.count) bytes) at byte offset 0")
    }
    guard bytes[0] == 0, bytes[1] == 0 else {
      throw StrataError(
        .fileFormat,
        "\(source): not an IDX file (expected magic 00 00 08 nn, found \(bytes[0]) \(bytes[1]) \(bytes[2]) \(bytes[3])) at byte offset 0"
      )
    }
    guard bytes[2] == 0x08 else {
      throw StrataError(
        .fileFormat,
        "\(source): unsupported IDX value type 0x\(String(bytes[2], radix: 16)) (only 0x08, unsigned byte) at byte offset 2"
      )
    }
    let rank = Int(bytes[3])
    guard rank >= 1, bytes.count >= 4 + 4 * rank else {
      throw StrataError(
        .fileFormat, "\(source): truncated IDX header (\(rank) dimensions) at byte offset 4")
    }
    var shape: [Int] = []
    for axis in 0..<rank {
      let o = 4 + 4 * axis
      shape.append(
        Int(bytes[o]) << 24 | Int(bytes[o + 1]) << 16 | Int(bytes[o + 2]) << 8 | Int(bytes[o + 3]))
    }
    let header = 4 + 4 * rank
    let expected = shape.reduce(1, *)
    guard bytes.count - header == expected else {
      throw StrataError(
        .fileFormat,
        "\(source): dimensions \(shape) need \(expected) bytes of data, the file holds \(bytes.count - header) at byte offset \(header)"
      )
    }
    return Contents(shape: shape, bytes: Array(bytes[header...]))
  }
}
