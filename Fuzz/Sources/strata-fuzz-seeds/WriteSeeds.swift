import Foundation
@_spi(Fuzzing) import Strata

/// Writes the seed corpus, one folder per fuzz target under the folder given (default
/// `Fuzz/corpus`): valid files, each written by Strata (gzip files in stored blocks, which
/// need no compressor; one real compressed IDX file when Fashion-MNIST is at hand).
@main
struct WriteSeeds {
  static func main() throws {
    let arguments = CommandLine.arguments.dropFirst()
    let root = URL(
      fileURLWithPath: arguments.first
        ?? URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("corpus").path)
    func write(_ bytes: [UInt8], _ target: FuzzTarget, _ name: String) throws {
      let folder = root.appendingPathComponent(target.rawValue)
      try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
      try Data(bytes).write(to: folder.appendingPathComponent(name))
      guard target.read(bytes) else {
        print("the \(target.rawValue) reader refuses its own seed \(name)")
        exit(1)
      }
    }
    func read(_ url: URL) throws -> [UInt8] { [UInt8](try Data(contentsOf: url)) }

    let idx = idxFile([2, 3, 4], (0..<24).map { UInt8($0 * 10) })
    try write(storedGzip(Array("hello, strata\n".utf8)), .gzip, "text.gz")
    try write(storedGzip(idx), .gzip, "idx.gz")
    try write(idx, .idx, "images.idx")
    try write(storedGzip(idx), .idx, "images.idx.gz")
    let labels = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
      .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
      .deletingLastPathComponent().appendingPathComponent(
        "shared/datasets/fashion-mnist/t10k-labels-idx1-ubyte.gz")
    if let bytes = try? read(labels) {
      try write(bytes, .gzip, "fashion-mnist-labels.gz")
      try write(bytes, .idx, "fashion-mnist-labels.gz")
    }

    let scratch = FileManager.default.temporaryDirectory.appendingPathComponent(
      "strata-seeds-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: scratch) }
    let file = scratch.appendingPathComponent("file")

    let weights = FuzzTarget.weightsModel()
    try weights.saveWeights(to: file)
    try write(try read(file), .safetensors, "weights.safetensors")

    for (name, model, x, y) in try models() {
      try model.save(to: file)
      try write(try read(file), .modelFile, "\(name)-untrained.strata")
      try model.fit(x, y, epochs: 1, batchSize: 4, verbose: 0)
      try model.save(to: file)
      try write(try read(file), .modelFile, "\(name).strata")
    }

    // Keras 3 files from Tests/Fixtures/keras (Tools/make-keras-fixtures.py), and their
    // HDF5 weights.
    let kerasFixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
      .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
      .appendingPathComponent("Tests/Fixtures/keras")
    for name in ["binary", "mlp-deflated", "convnet"] {
      let bytes = try read(kerasFixtures.appendingPathComponent("\(name).keras"))
      try write(bytes, .kerasFile, "\(name).keras")
      try write(
        try FuzzTarget.archiveMember("model.weights.h5", of: bytes), .hdf5, "\(name).weights.h5")
    }

    try write(
      Array("sepal,petal,class\n5.1,1.4,0\n6.2,4.5,1\n7.7,6.7,2\n".utf8), .csv, "header.csv")
    try write(Array("1,2,0\n3,4.5e-1,1\n".utf8), .csv, "plain.csv")
    print("seed corpus written to \(root.path)")
  }

  /// Small compiled models covering the layer kinds, optimizers, losses and metrics a model
  /// file can describe, with data to train them one epoch.
  static func models() throws -> [(String, Sequential, Tensor, Tensor)] {
    var generator = RandomGenerator(seed: 1)
    let dense = Sequential(seed: 1) {
      Dense(units: 4, inputShape: [3], activation: .relu, regularizer: .l2(0.01))
      BatchNormalization()
      Dropout(rate: 0.25)
      Dense(units: 3, activation: .softmax)
    }
    dense.compile(
      optimizer: .adam(learningRate: 0.01), loss: .sparseCategoricalCrossentropy,
      metrics: [.accuracy])
    let images = Sequential(seed: 2) {
      Input(shape: [8, 8, 1])
      Conv2D(filters: 2, kernelSize: 3, padding: .same, activation: .relu)
      MaxPooling2D(poolSize: 2)
      ZeroPadding2D(padding: 1)
      Conv2DTranspose(filters: 2, kernelSize: 2, strides: 2)
      UpSampling2D(size: 2)
      AveragePooling2D(poolSize: 4)
      SpatialDropout2D(rate: 0.1)
      GlobalMaxPooling2D()
      Dense(units: 1, activation: .sigmoid)
    }
    images.compile(optimizer: .rmsprop, loss: .binaryCrossentropy, metrics: [.accuracy])
    let sequence = Sequential(seed: 3) {
      Input(shape: [6, 2])
      Conv1D(filters: 3, kernelSize: 2, activation: .tanh)
      MaxPooling1D(poolSize: 2)
      Reshape(targetShape: [-1, 3])
      GlobalAveragePooling1D()
      Dense(units: 2)
    }
    sequence.compile(optimizer: .sgd(learningRate: 0.1, momentum: 0.9), loss: .meanSquaredError)
    return [
      (
        "dense", dense, Tensor.normal([8, 3], generator: &generator),
        Tensor([0, 1, 2, 0, 1, 2, 0, 1])
      ),
      (
        "convolutional", images, Tensor.uniform([8, 8, 8, 1], generator: &generator),
        Tensor([[0], [1], [0], [1], [0], [1], [0], [1]])
      ),
      (
        "sequence", sequence, Tensor.normal([8, 6, 2], generator: &generator),
        Tensor.normal([8, 2], generator: &generator)
      ),
    ]
  }

  static func idxFile(_ shape: [Int], _ values: [UInt8]) -> [UInt8] {
    var bytes: [UInt8] = [0, 0, 8, UInt8(shape.count)]
    for dimension in shape { bytes += littleEndianBytes(UInt32(dimension)).reversed() }
    return bytes + values
  }

  /// A gzip member of stored (uncompressed) DEFLATE blocks.
  static func storedGzip(_ payload: [UInt8]) -> [UInt8] {
    var bytes: [UInt8] = [0x1F, 0x8B, 8, 0, 0, 0, 0, 0, 0, 3]
    var offset = 0
    repeat {
      let chunk = Array(payload[offset..<min(offset + 65535, payload.count)])
      offset += chunk.count
      let length = UInt16(chunk.count)
      bytes += [offset >= payload.count ? 1 : 0] + littleEndianBytes(UInt32(length)).prefix(2)
      bytes += littleEndianBytes(UInt32(~length)).prefix(2) + chunk
    } while offset < payload.count
    return bytes + littleEndianBytes(crc32(payload)) + littleEndianBytes(UInt32(payload.count))
  }

  /// The four bytes of `value`, least significant first.
  static func littleEndianBytes(_ value: UInt32) -> [UInt8] {
    (0..<4).map { UInt8(truncatingIfNeeded: value >> (8 * UInt32($0))) }
  }

  static func crc32(_ bytes: [UInt8]) -> UInt32 {
    var crc: UInt32 = 0xFFFF_FFFF
    for byte in bytes {
      crc ^= UInt32(byte)
      for _ in 0..<8 { crc = crc & 1 != 0 ? 0xEDB8_8320 ^ (crc >> 1) : crc >> 1 }
    }
    return crc ^ 0xFFFF_FFFF
  }
}
