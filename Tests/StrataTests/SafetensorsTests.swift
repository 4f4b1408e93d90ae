import Foundation
import Testing

@testable import Strata

func smallTrainedModel() throws -> (Sequential, Tensor) {
  let model = Sequential(seed: 4) {
    Dense(units: 5, inputShape: [3], activation: .relu)
    BatchNormalization()
    Dense(units: 2, activation: .softmax)
  }
  model.compile(optimizer: .adam, loss: .sparseCategoricalCrossentropy)
  var generator = RandomGenerator(seed: 2)
  let x = Tensor.normal([20, 3], generator: &generator)
  try model.fit(x, Tensor((0..<20).map { Float($0 % 2) }), epochs: 2, verbose: 0)
  return (model, x)
}

@Test func weightsRoundTripBitForBitWithNamedTensors() throws {
  let (model, x) = try smallTrainedModel()
  let folder = try temporaryFolder()
  defer { try? FileManager.default.removeItem(at: folder) }
  let file = folder.appendingPathComponent("model.safetensors")
  try model.saveWeights(to: file)
  let bytes = [UInt8](try Data(contentsOf: file))
  let tensors = try parseSafetensors(bytes, source: "t")
  #expect(
    tensors.keys.sorted() == [
      "batch_normalization/beta", "batch_normalization/gamma", "batch_normalization/moving_mean",
      "batch_normalization/moving_variance", "dense/bias", "dense/kernel", "dense_1/bias",
      "dense_1/kernel",
    ])
  let (fresh, _) = (
    Sequential(seed: 9) {
      Dense(units: 5, inputShape: [3], activation: .relu)
      BatchNormalization()
      Dense(units: 2, activation: .softmax)
    }, 0
  )
  try fresh.loadWeights(from: file)
  #expect(fresh.getWeights() == model.getWeights())
  #expect(try fresh.predict(x) == (try model.predict(x)))
}

@Test func loadingValidatesBeforeChangingAnything() throws {
  let (model, _) = try smallTrainedModel()
  let folder = try temporaryFolder()
  defer { try? FileManager.default.removeItem(at: folder) }
  let file = folder.appendingPathComponent("w.safetensors")
  try model.saveWeights(to: file)
  let good = [UInt8](try Data(contentsOf: file))
  let other = Sequential {
    Dense(units: 4, inputShape: [3])
    BatchNormalization()
    Dense(units: 2)
  }
  let before = other.getWeights()
  expectStrataError(
    .shapeMismatch,
    containing: "tensor 'dense/kernel' has shape [3, 5], the layer's weight has shape [3, 4]"
  ) {
    try other.loadWeights(from: file)
  }
  #expect(other.getWeights() == before)
  expectStrataError(.fileFormat, containing: "too short") {
    try other.loadWeights(safetensors: [1, 2], source: "x")
  }
  expectStrataError(.fileFormat, containing: "header length") {
    try other.loadWeights(safetensors: [255, 255, 0, 0, 0, 0, 0, 0, 1], source: "x")
  }
  expectStrataError(.fileFormat, containing: "not a JSON object") {
    try other.loadWeights(safetensors: [2, 0, 0, 0, 0, 0, 0, 0, 0x5B, 0x5D], source: "x")
  }
  // Truncated data: the offsets no longer fit.
  expectStrataError(.fileFormat, containing: "data offsets") {
    try model.loadWeights(safetensors: Array(good.dropLast(4)), source: "cut")
  }
  #expect(other.getWeights() == before)
}

@Test func damagedFilesNeverCrash() throws {
  let (model, _) = try smallTrainedModel()
  let folder = try temporaryFolder()
  defer { try? FileManager.default.removeItem(at: folder) }
  let file = folder.appendingPathComponent("w.safetensors")
  try model.saveWeights(to: file)
  let good = [UInt8](try Data(contentsOf: file))
  let original = model.getWeights()
  var generator = RandomGenerator(seed: 5)
  for _ in 0..<2000 {
    var bytes = good
    switch generator.nextIndex(below: 3) {
    case 0:
      bytes[generator.nextIndex(below: bytes.count)] ^= UInt8(1 + generator.nextIndex(below: 255))
    case 1: bytes = Array(bytes.prefix(generator.nextIndex(below: bytes.count)))
    default:
      bytes += (0..<(1 + generator.nextIndex(below: 16))).map { _ in
        UInt8(generator.nextIndex(below: 256))
      }
    }
    do {
      try model.loadWeights(safetensors: bytes, source: "fuzz")
      try model.setWeights(original)
    } catch is StrataError {
      #expect(model.getWeights() == original)
    }
  }
}

/// Whether `python3` with NumPy can run here.
func pythonWithNumPy() -> Bool {
  let process = Process()
  process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
  process.arguments = ["python3", "-c", "import numpy"]
  process.standardOutput = FileHandle.nullDevice
  process.standardError = FileHandle.nullDevice
  do { try process.run() } catch { return false }
  process.waitUntilExit()
  return process.terminationStatus == 0
}

@Test func numpyReadsTheWeightsAndComputesTheSamePredictions() throws {
  guard pythonWithNumPy() else {
    print("Skipping the safetensors interop test: python3 with NumPy is not available")
    return
  }
  let model = Sequential(seed: 8) {
    Dense(units: 6, inputShape: [4], activation: .relu)
    Dense(units: 3, activation: .softmax)
  }
  var generator = RandomGenerator(seed: 3)
  let x = Tensor.normal([5, 4], generator: &generator)
  let folder = try temporaryFolder()
  defer { try? FileManager.default.removeItem(at: folder) }
  let weights = folder.appendingPathComponent("m.safetensors")
  try model.saveWeights(to: weights)
  // A few lines of NumPy: parse the header, frombuffer each tensor, run the forward pass.
  let script = """
    import json, struct, sys, numpy as np
    raw = open(sys.argv[1], "rb").read()
    n = struct.unpack("<Q", raw[:8])[0]
    header = json.loads(raw[8:8 + n])
    def t(name):
        e = header[name]; a, b = e["data_offsets"]
        return np.frombuffer(raw[8 + n + a:8 + n + b], dtype="<f4").reshape(e["shape"])
    x = np.array(json.loads(sys.argv[2]), dtype=np.float32).reshape(5, 4)
    h = np.maximum(x @ t("dense/kernel") + t("dense/bias"), 0)
    z = h @ t("dense_1/kernel") + t("dense_1/bias")
    p = np.exp(z - z.max(1, keepdims=True)); p /= p.sum(1, keepdims=True)
    print(json.dumps(p.ravel().tolist()))
    """
  let process = Process()
  process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
  process.arguments = ["python3", "-c", script, weights.path, "\(x.scalars)"]
  let pipe = Pipe()
  process.standardOutput = pipe
  try process.run()
  let output = pipe.fileHandleForReading.readDataToEndOfFile()
  process.waitUntilExit()
  #expect(process.terminationStatus == 0)
  let numpy = try JSONSerialization.jsonObject(with: output) as! [Double]
  expectClose(try model.predict(x).scalars, numpy.map { Float($0) })
}

@Test func hostileSafetensorsHeadersThrow() throws {
  let model = Sequential { Dense(units: 1, inputShape: [1]) }
  try model.build(inputShape: [1])
  let cases: [(String, String)] = [
    // The product of the shape wrapped, then the reader trapped.
    (
      "safetensors-overflowing-shape.safetensors",
      "tensor 'w' has shape [2147483647, 2147483647], more values than the 4 data bytes hold"
    ),
    // JSONSerialization's error was swallowed: "not a JSON object", whatever the cause.
    ("safetensors-nesting-bomb.safetensors", "nesting deeper than 64 levels"),
    // The second 'w' silently replaced the first.
    ("safetensors-duplicate-key.safetensors", "duplicate key \"w\""),
  ]
  for (file, message) in cases {
    let bytes = [UInt8](try Data(contentsOf: regressionInput(file)))
    expectStrataError(.fileFormat, containing: message) {
      try model.loadWeights(safetensors: bytes, source: file)
    }
  }
}

@Test func aNegativeMovingVarianceIsRefused() throws {
  let model = Sequential {
    Dense(units: 2, inputShape: [3])
    BatchNormalization()
  }
  try model.build(inputShape: [3])
  let before = model.getWeights()
  var poisoned = before
  poisoned[5] = Tensor([1, -0.5])  // moving_variance; predict took its square root
  expectStrataError(
    .invalidData,
    containing:
      "holds the negative value -0.5 at flat index 1, and 'moving_variance' may not be negative"
  ) {
    try model.setWeights(poisoned)
  }
  let tensors = Dictionary(uniqueKeysWithValues: zip(model.weightNames, poisoned))
  expectStrataError(
    .invalidData, containing: "'batch_normalization/moving_variance' holds the negative value"
  ) {
    try model.loadWeights(tensors: tensors, source: "poisoned")
  }
  #expect(model.getWeights() == before)
}

@Test func layersRenamedAfterBuildingCannotShareATensorName() throws {
  // Renaming a layer like another after building saved one tensor under both names, and the
  // file loaded into a model that then predicted differently.
  let (model, _) = try smallTrainedModel()
  model.layers[2].name = model.layers[0].name
  let folder = try temporaryFolder()
  defer { try? FileManager.default.removeItem(at: folder) }
  for save in [model.saveWeights(to:), model.save(to:)] {
    expectStrataError(.invalidArgument, containing: "The name \"dense\" is used 2 times") {
      try save(folder.appendingPathComponent("w.safetensors"))
    }
  }
  #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path).isEmpty)
}
