import Foundation
import Testing

@testable import Strata

// Fixtures made with Python's zlib: zlib.compressobj(level, zlib.DEFLATED, 31) (gzip wrapper).
/// "hello hello hello hello strata\n" at level 9: one fixed-Huffman block.
let fixedHuffmanGzip: [UInt8] = [
  0x1f, 0x8b, 0x08, 0x00, 0x00, 0x00, 0x00, 0x00, 0x02, 0x03, 0xcb, 0x48, 0xcd, 0xc9, 0xc9, 0x57,
  0xc8, 0xc0,
  0x20, 0x8b, 0x4b, 0x8a, 0x12, 0x4b, 0x12, 0xb9, 0x00, 0x32, 0xc8, 0x4b, 0x67, 0x1f, 0x00, 0x00,
  0x00,
]
/// "stored block bytes" at level 0: one stored block.
let storedGzip: [UInt8] = [
  0x1f, 0x8b, 0x08, 0x00, 0x00, 0x00, 0x00, 0x00, 0x04, 0x03, 0x01, 0x12, 0x00, 0xed, 0xff, 0x73,
  0x74, 0x6f,
  0x72, 0x65, 0x64, 0x20, 0x62, 0x6c, 0x6f, 0x63, 0x6b, 0x20, 0x62, 0x79, 0x74, 0x65, 0x73, 0xff,
  0xef, 0x46,
  0x73, 0x12, 0x00, 0x00, 0x00,
]
/// 400 letters drawn (random.seed(3)) from "aaaaaaaabbbbccd e" at level 9: one dynamic-Huffman
/// block; the text starts "aab aa baa  caaaecaaaabab cccdabaaa abcb".
let dynamicHuffmanGzip: [UInt8] = [
  0x1f, 0x8b, 0x08, 0x00, 0x00, 0x00, 0x00, 0x00, 0x02, 0x03, 0x2d, 0x90, 0x81, 0x11, 0xc0, 0x30,
  0x08, 0x02,
  0x57, 0x71, 0x35, 0x40, 0xf7, 0x5f, 0xa1, 0x40, 0x9a, 0xbb, 0xb4, 0x9e, 0x22, 0xbe, 0x01, 0x38,
  0xc0, 0xd0,
  0x77, 0x04, 0xe0, 0xf2, 0x01, 0x9d, 0x95, 0xb4, 0x0e, 0x5c, 0x00, 0x45, 0x9d, 0x6f, 0xf2, 0x49,
  0xb1, 0x72,
  0x47, 0x16, 0x53, 0xe9, 0x10, 0x79, 0xa8, 0xba, 0x71, 0x24, 0xae, 0x6a, 0x6d, 0x77, 0xe9, 0x13,
  0x2f, 0x89,
  0xd7, 0xb1, 0x2e, 0x4e, 0xa6, 0x24, 0x8a, 0xa3, 0x4f, 0x4c, 0x6c, 0xc1, 0xdf, 0x94, 0xd8, 0xd8,
  0x6d, 0x1c,
  0x9b, 0x6d, 0xc1, 0x26, 0x1b, 0x16, 0x45, 0x83, 0x09, 0xeb, 0x5e, 0xa7, 0xa1, 0x3a, 0x05, 0xd6,
  0x03, 0xdf,
  0x1a, 0x59, 0xe2, 0x47, 0xca, 0x6f, 0x8a, 0x7f, 0xae, 0xcc, 0x9f, 0xac, 0xf8, 0xa6, 0x08, 0x52,
  0x88, 0x8b,
  0x51, 0x94, 0xcd, 0x0c, 0x0e, 0xf3, 0x08, 0x28, 0x94, 0xde, 0x52, 0x1b, 0x6f, 0xb6, 0xd7, 0xbb,
  0x55, 0xdd,
  0x47, 0x0a, 0xc6, 0xdd, 0x3f, 0xcb, 0x67, 0x6d, 0x98, 0x27, 0x53, 0xb0, 0x74, 0xf3, 0x90, 0xe7,
  0xba, 0x57,
  0x18, 0x5d, 0x7d, 0xef, 0xfc, 0x93, 0x6a, 0xec, 0x3d, 0x1f, 0xe1, 0xcc, 0x08, 0x3a, 0x90, 0x01,
  0x00, 0x00,
]

@Test func decodesFixedStoredAndDynamicBlocks() throws {
  #expect(
    String(decoding: try Gzip.decompress(fixedHuffmanGzip, source: "fixed"), as: UTF8.self)
      == "hello hello hello hello strata\n")
  #expect(
    String(decoding: try Gzip.decompress(storedGzip, source: "stored"), as: UTF8.self)
      == "stored block bytes")
  let dynamic = try Gzip.decompress(dynamicHuffmanGzip, source: "dynamic")
  #expect(dynamic.count == 400)
  #expect(
    String(decoding: dynamic.prefix(40), as: UTF8.self)
      == "aab aa baa  caaaecaaaabab cccdabaaa abcb")
  // Concatenated members decode one after the other (RFC 1952 §2.2).
  let both = try Gzip.decompress(storedGzip + fixedHuffmanGzip, source: "both")
  #expect(
    String(decoding: both, as: UTF8.self) == "stored block byteshello hello hello hello strata\n")
}

@Test func crcMatchesTheStandardCheckValue() {
  // The CRC-32 check value of "123456789" is 0xCBF43926.
  let bytes = Array("123456789".utf8)
  #expect(bytes.withUnsafeBufferPointer { CRC32.checksum($0) } == 0xCBF4_3926)
}

@Test func brokenGzipThrowsWithAnOffset() {
  expectStrataError(.fileFormat, containing: "expected magic bytes 1f 8b, found 50 4b") {
    _ = try Gzip.decompress([0x50, 0x4b] + Array(fixedHuffmanGzip.dropFirst(2)), source: "zip.gz")
  }
  expectStrataError(.fileFormat, containing: "too short") {
    _ = try Gzip.decompress(Array(fixedHuffmanGzip.prefix(12)), source: "short.gz")
  }
  var corrupted = fixedHuffmanGzip
  corrupted[corrupted.count - 8] ^= 0xFF
  expectStrataError(.fileFormat, containing: "CRC-32 mismatch") {
    _ = try Gzip.decompress(corrupted, source: "crc.gz")
  }
  var wrongLength = storedGzip
  wrongLength[wrongLength.count - 4] = 99
  expectStrataError(.fileFormat, containing: "length mismatch") {
    _ = try Gzip.decompress(wrongLength, source: "length.gz")
  }
  var badStored = storedGzip
  badStored[13] = 0  // NLEN no longer the complement of LEN
  expectStrataError(.fileFormat, containing: "LEN and NLEN") {
    _ = try Gzip.decompress(badStored, source: "stored.gz")
  }
}

@Test func randomDamageNeverCrashesNorReturnsWrongBytes() throws {
  // Flip, cut and extend bytes of valid streams. Every attempt either throws a StrataError
  // (.fileFormat) or, when the damage missed the checked data (bytes appended after the
  // trailer, a flipped bit in a header field nothing reads), returns exactly the original
  // content: the CRC-32 and length checks leave no way to return other bytes.
  var generator = RandomGenerator(seed: 99)
  var thrown = 0
  var attempts = 0
  for original in [fixedHuffmanGzip, storedGzip, dynamicHuffmanGzip] {
    let content = try Gzip.decompress(original, source: "original")
    for _ in 0..<300 {
      var damaged = original
      switch generator.nextIndex(below: 3) {
      case 0:
        let index = generator.nextIndex(below: damaged.count)
        damaged[index] ^= UInt8(1 + generator.nextIndex(below: 255))
      case 1:
        damaged = Array(damaged.prefix(generator.nextIndex(below: damaged.count)))
      default:
        damaged += (0..<generator.nextIndex(below: 20)).map { _ in
          UInt8(generator.nextIndex(below: 256))
        }
      }
      attempts += 1
      do {
        #expect(try Gzip.decompress(damaged, source: "fuzz") == content)
      } catch let error as StrataError {
        #expect(error.kind == .fileFormat, "\(error)")
        thrown += 1
      }
    }
  }
  // Most damage is caught: every truncation and nearly every flipped byte.
  #expect(thrown > attempts / 2, "\(thrown) of \(attempts) damaged streams were refused")
}

@Test func theLengthTrailerIsNotTrustedAndOutputIsCapped() throws {
  // Fuzz/regressions/gzip-trusted-length.gz: 20 bytes, an empty stream whose trailer claims
  // 4 GiB − 1 bytes; the decoder reserved that much, twice, before decoding anything.
  let trusted = [UInt8](try Data(contentsOf: regressionInput("gzip-trusted-length.gz")))
  #expect(trusted.count == 20)
  expectStrataError(
    .fileFormat, containing: "gzip length mismatch (trailer says 4294967295 bytes, decoded 0)"
  ) {
    _ = try Gzip.decompress(trusted, source: "trusted.gz")
  }
  // Output past the caller's limit is refused as it is produced.
  expectStrataError(
    .fileFormat,
    containing: "big.gz: decompresses to more than 10 bytes, the most this reader accepts"
  ) {
    _ = try Gzip.decompress(storedGzip, source: "big.gz", limit: 10)
  }
  // A prefix decodes only as far as asked.
  let everything = try Gzip.decompress(dynamicHuffmanGzip, source: "dynamic")
  let prefix = try Gzip.decompressedPrefix(dynamicHuffmanGzip, count: 5, source: "dynamic")
  #expect(prefix == Array(everything.prefix(5)))
}
