import Foundation
import Testing

@testable import Strata

/// An IDX file of unsigned bytes with the given dimensions and values.
func idxBytes(_ shape: [Int], _ values: [UInt8]) -> [UInt8] {
  var bytes: [UInt8] = [0, 0, 0x08, UInt8(shape.count)]
  for dimension in shape {
    bytes += [
      UInt8(dimension >> 24 & 0xFF), UInt8(dimension >> 16 & 0xFF), UInt8(dimension >> 8 & 0xFF),
      UInt8(dimension & 0xFF),
    ]
  }
  return bytes + values
}

/// A gzip file holding `payload` in stored blocks (valid DEFLATE without a compressor).
func storedGzipBytes(_ payload: [UInt8]) -> [UInt8] {
  var bytes: [UInt8] = [0x1F, 0x8B, 8, 0, 0, 0, 0, 0, 0, 3]
  var offset = 0
  repeat {
    let chunk = Array(payload[offset..<min(offset + 65535, payload.count)])
    offset += chunk.count
    let final: UInt8 = offset >= payload.count ? 1 : 0
    let length = UInt16(chunk.count)
    bytes +=
      [final, UInt8(length & 0xFF), UInt8(length >> 8), UInt8(~length & 0xFF), UInt8(~length >> 8)]
      + chunk
  } while offset < payload.count
  let crc = payload.withUnsafeBufferPointer { CRC32.checksum($0) }
  for value in [crc, UInt32(payload.count)] {
    bytes += [
      UInt8(value & 0xFF), UInt8(value >> 8 & 0xFF), UInt8(value >> 16 & 0xFF), UInt8(value >> 24),
    ]
  }
  return bytes
}

/// A fresh temporary folder, removed by the caller.
func temporaryFolder() throws -> URL {
  let url = FileManager.default.temporaryDirectory.appendingPathComponent(
    "strata-tests-\(UUID().uuidString)")
  try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
  return url
}

/// Writes a small MNIST-shaped data set (`count` 28×28 images per split) into `folder`.
func writeTinyMNIST(to folder: URL, count: Int = 3, labels: [UInt8]? = nil) throws {
  for (prefix, n) in [("train", count), ("t10k", count)] {
    let pixels = (0..<(n * 784)).map { UInt8($0 % 256) }
    try Data(storedGzipBytes(idxBytes([n, 28, 28], pixels))).write(
      to: folder.appendingPathComponent("\(prefix)-images-idx3-ubyte.gz"))
    let values = labels ?? (0..<n).map { UInt8($0 % 10) }
    try Data(storedGzipBytes(idxBytes([values.count], values))).write(
      to: folder.appendingPathComponent("\(prefix)-labels-idx1-ubyte.gz"))
  }
}

@Test func parsesIDXHeadersAndData() throws {
  let contents = try IDX.parse(idxBytes([2, 3], [1, 2, 3, 4, 5, 6]), source: "t")
  #expect(contents.shape == [2, 3])
  #expect(contents.bytes == [1, 2, 3, 4, 5, 6])
}

@Test func malformedIDXThrowsNamingTheOffset() {
  expectStrataError(.fileFormat, containing: "not an IDX file") {
    _ = try IDX.parse([1, 2, 8, 1, 0, 0, 0, 1, 7], source: "f")
  }
  expectStrataError(.fileFormat, containing: "unsupported IDX value type 0xd") {
    _ = try IDX.parse([0, 0, 0x0D, 1, 0, 0, 0, 1, 7], source: "f")
  }
  expectStrataError(
    .fileFormat, containing: "need 6 bytes of data, the file holds 5 at byte offset 12"
  ) {
    _ = try IDX.parse(idxBytes([2, 3], [1, 2, 3, 4, 5]), source: "f")
  }
  expectStrataError(.fileFormat, containing: "truncated IDX header") {
    _ = try IDX.parse([0, 0, 8, 3, 0, 0], source: "f")
  }
}

@Test func loadsAnMNISTFolderWithTheBookOptions() throws {
  let folder = try temporaryFolder()
  defer { try? FileManager.default.removeItem(at: folder) }
  try writeTinyMNIST(to: folder)
  let flat = try MNIST.load(directory: folder)
  #expect(flat.trainImages.shape == [3, 784])
  #expect(flat.trainLabels.scalars == [0, 1, 2])
  #expect(flat.trainImages[0, 255].scalar == 1)  // normalised: 255 / 255
  let raw = try MNIST.load(directory: folder, normalize: false, flatten: false, oneHotLabels: true)
  #expect(raw.testImages.shape == [3, 28, 28])
  #expect(raw.testImages[0, 9, 3].scalar == Float((9 * 28 + 3) % 256))
  #expect(raw.testLabels.shape == [3, 10])
  #expect(raw.testLabels[2, 2].scalar == 1)
  // For Conv2D: a channel axis, as Keras's np.expand_dims(x, -1); the same values.
  let images = try MNIST.load(directory: folder, channelAxis: true)
  #expect(images.trainImages.shape == [3, 28, 28, 1])
  #expect(images.trainImages.scalars == flat.trainImages.scalars)
}

@Test func inconsistentFilesAreRejected() throws {
  let folder = try temporaryFolder()
  defer { try? FileManager.default.removeItem(at: folder) }
  try writeTinyMNIST(to: folder, count: 3, labels: [1, 2])
  expectStrataError(.fileFormat, containing: "2 labels for 3 images") {
    _ = try MNIST.load(directory: folder)
  }
  try writeTinyMNIST(to: folder, count: 2, labels: [1, 12])
  expectStrataError(.fileFormat, containing: "label 12 is not in 0...9") {
    _ = try MNIST.load(directory: folder)
  }
  try Data([0x1F, 0x8B, 8, 0, 0]).write(
    to: folder.appendingPathComponent("train-images-idx3-ubyte.gz"))
  expectStrataError(.fileFormat, containing: "train-images-idx3-ubyte.gz: not a gzip file") {
    _ = try MNIST.load(directory: folder)
  }
}

@Test func missingDataListsEveryPlaceTried() throws {
  let folder = try temporaryFolder()
  defer { try? FileManager.default.removeItem(at: folder) }
  let source = DatasetSource(
    name: "example-set", files: ["a.gz"], systemDirectory: "/usr/share/datasets/example-set",
    downloadBase: "https://example.invalid/", sha256: [:])
  let candidates = source.candidateDirectories(explicit: folder).map(\.path)
  #expect(candidates.first == folder.path)
  #expect(candidates.last == "/usr/share/datasets/example-set")
  #expect(candidates.contains { $0.hasSuffix(".strata/datasets/example-set") })
  expectStrataError(.fileFormat, containing: "Places tried, in order:\n  - \(folder.path)") {
    _ = try source.locate(explicit: folder, allowDownload: false)
  }
  expectStrataError(.fileFormat, containing: "apt-get install dataset-fashion-mnist") {
    _ = try source.locate(explicit: nil, allowDownload: false)
  }
}

@Test func idxDimensionsWhoseProductOverflowsThrow() {
  // Fuzz/regressions/idx-overflowing-dimensions.idx: 2^32 − 1 × 2^32 − 1 trapped when the
  // dimensions were multiplied.
  let header: [UInt8] = [0, 0, 8, 2, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF]
  expectStrataError(
    .fileFormat,
    containing: "IDX dimensions [4294967295]… declare more than 1073741824 bytes of values"
  ) {
    _ = try IDX.parse(header, source: "f")
  }
  expectStrataError(.fileFormat, containing: "f.gz: IDX dimensions [4294967295]…") {
    _ = try IDX.decode(storedGzipBytes(header), source: "f.gz")
  }
  // The product overflows only at the second dimension when the cap is raised.
  expectStrataError(.fileFormat, containing: "[4294967295, 4294967295] declare more than") {
    _ = try IDX.parse(header, source: "f", maximumSize: Int.max)
  }
  // A caller may lower (or raise) the cap.
  expectStrataError(.fileFormat, containing: "declare more than 5 bytes") {
    _ = try IDX.parse(idxBytes([2, 3], [1, 2, 3, 4, 5, 6]), source: "f", maximumSize: 5)
  }
}

@Test func aCompressedIDXFileInflatesNoFurtherThanItsHeaderDeclares() throws {
  // Fuzz/regressions/idx-gzip-bomb.idx.gz: 65 KB whose header declares ten 28×28 images
  // (7,840 bytes) and which inflates to 64 MiB. Inflating stops 7,856 bytes in.
  let bomb = [UInt8](try Data(contentsOf: regressionInput("idx-gzip-bomb.idx.gz")))
  expectStrataError(
    .fileFormat,
    containing:
      "decompresses to more than 7856 bytes, the size its IDX header declares (dimensions [10, 28, 28])"
  ) {
    _ = try IDX.decode(bomb, source: "bomb.gz")
  }
  // Valid compressed files still read in full, through the header-first path.
  let contents = try IDX.decode(
    storedGzipBytes(idxBytes([2, 3], [1, 2, 3, 4, 5, 6])), source: "t")
  #expect(contents.shape == [2, 3])
  #expect(contents.bytes == [1, 2, 3, 4, 5, 6])
}

@Test func foldersOfOtherImageSizesOrNoImagesAreRejected() throws {
  let folder = try temporaryFolder()
  defer { try? FileManager.default.removeItem(at: folder) }
  for (shape, found) in [([10, 1, 1], "[10, 1, 1]"), ([0, 28, 28], "[0, 28, 28]")] {
    try writeTinyMNIST(to: folder, count: shape[0])
    try Data(storedGzipBytes(idxBytes(shape, [UInt8](repeating: 7, count: shape.reduce(1, *)))))
      .write(to: folder.appendingPathComponent("train-images-idx3-ubyte.gz"))
    expectStrataError(
      .fileFormat,
      containing:
        "expected at least one 28×28 image (dimensions [n, 28, 28]), found dimensions \(found)"
    ) {
      _ = try MNIST.load(directory: folder)
    }
  }
}

/// A file of `Fuzz/regressions`, the inputs that crashed or exhausted a reader before.
func regressionInput(_ name: String) -> URL {
  URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().appendingPathComponent("Fuzz/regressions/\(name)")
}
