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

  /// The most bytes of values an IDX file may declare unless a caller says otherwise (1 GiB;
  /// the Fashion-MNIST training images are 47 MB).
  public static let defaultMaximumSize = 1 << 30

  /// Reads an IDX file, decompressing it first when it is gzip-compressed (by its content,
  /// not its name). The file may hold at most `maximumSize` bytes of values; a compressed file
  /// is inflated only as far as the size its header declares, so a small file cannot make the
  /// reader allocate more than that.
  public static func read(
    contentsOf url: URL, maximumSize: Int = defaultMaximumSize
  ) throws -> Contents {
    let raw: Data
    do { raw = try Data(contentsOf: url) } catch {
      throw StrataError(.fileFormat, "\(url.path): cannot be read (\(describe(error)))")
    }
    return try decode([UInt8](raw), source: url.path, maximumSize: maximumSize)
  }

  /// The contents of the bytes of an IDX file, gzip-compressed or not; `source` names it in
  /// errors. See ``read(contentsOf:maximumSize:)``.
  public static func decode(
    _ bytes: [UInt8], source: String, maximumSize: Int = defaultMaximumSize
  ) throws -> Contents {
    guard bytes.count >= 2 && bytes[0] == 0x1F && bytes[1] == 0x8B else {
      return try parse(bytes, source: source, maximumSize: maximumSize)
    }
    // The header is at most 4 + 4 · 255 bytes; it says how long the rest must be.
    let prefix = try Gzip.decompressedPrefix(bytes, count: 4 + 4 * 255, source: source)
    let (rank, shape) = try header(prefix, source: source, maximumSize: maximumSize)
    let declared = 4 + 4 * rank + shape.reduce(1, *)
    let contents = try Gzip.decompress(
      bytes, source: source, limit: declared,
      limitReason: "the size its IDX header declares (dimensions \(shape))")
    return try parse(contents, source: source, maximumSize: maximumSize)
  }

  /// Parses the bytes of an (uncompressed) IDX file; `source` names it in errors.
  public static func parse(
    _ bytes: [UInt8], source: String, maximumSize: Int = defaultMaximumSize
  ) throws -> Contents {
    let (rank, shape) = try header(bytes, source: source, maximumSize: maximumSize)
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

  /// The rank and dimensions of an IDX header, after checking that their product is at most
  /// `maximumSize` (computed without overflow).
  private static func header(
    _ bytes: [UInt8], source: String, maximumSize: Int
  ) throws -> (rank: Int, shape: [Int]) {
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
    var size = 1
    for axis in 0..<rank {
      let o = 4 + 4 * axis
      let dimension =
        Int(bytes[o]) << 24 | Int(bytes[o + 1]) << 16 | Int(bytes[o + 2]) << 8 | Int(bytes[o + 3])
      shape.append(dimension)
      let (product, overflow) = size.multipliedReportingOverflow(by: dimension)
      guard !overflow, product <= maximumSize else {
        throw StrataError(
          .fileFormat,
          "\(source): IDX dimensions \(shape)\(axis + 1 < rank ? "…" : "") declare more than \(maximumSize) bytes of values, the most this reader accepts (a `maximumSize` argument raises it) at byte offset \(o)"
        )
      }
      size = product
    }
    return (rank, shape)
  }
}
