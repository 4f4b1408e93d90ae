import Foundation
import Testing

@testable import Strata

@Test func savedModelPredictsBitForBitAndResumesTraining() throws {
  let model = Sequential(seed: 3) {
    Flatten(inputShape: [2, 2])
    Dense(units: 8, activation: .leakyRelu(alpha: 0.3), regularizer: .l2(0.01))
    BatchNormalization(momentum: 0.9)
    Activation(.gelu)
    Dense(units: 3, activation: .softmax)
  }
  model.compile(
    optimizer: .nadam(learningRate: 0.01), loss: .sparseCategoricalCrossentropy,
    metrics: [.accuracy])
  var generator = RandomGenerator(seed: 1)
  let x = Tensor.normal([30, 2, 2], generator: &generator)
  let y = Tensor((0..<30).map { Float($0 % 3) })
  try model.fit(x, y, epochs: 2, batchSize: 10, verbose: 0)
  let folder = try temporaryFolder()
  defer { try? FileManager.default.removeItem(at: folder) }
  let file = folder.appendingPathComponent("model.strata")
  try model.save(to: file)
  let restored = try Sequential.load(from: file)
  #expect(restored.layers.map(\.name) == model.layers.map(\.name))
  #expect(restored.getWeights() == model.getWeights())
  #expect(try restored.predict(x) == (try model.predict(x)))
  #expect(restored.optimizer!.iterations == model.optimizer!.iterations)
  #expect(restored.metricsNames == ["loss", "accuracy"])
  // Training continues from the saved optimizer state: both take the same next steps (no
  // dropout here: random streams restart from the model's seed after loading).
  try model.fit(x, y, epochs: 1, batchSize: 10, shuffle: false, verbose: 0)
  try restored.fit(x, y, epochs: 1, batchSize: 10, shuffle: false, verbose: 0)
  #expect(restored.getWeights() == model.getWeights())
}

@Test func customLayersLoadOnceRegistered() throws {
  // Declared inside a function, the Swift runtime cannot find this type by name: it loads
  // once registered. (A type declared at file scope loads without registration.)
  final class Scale: Layer, Configurable {
    var name = ""
    let initial: Float
    private(set) var factor: Weight?
    init(initial: Float) { self.initial = initial }
    var weights: [Weight] { factor.map { [$0] } ?? [] }
    var configuration: Configuration { ["initial": initial] }
    convenience init(configuration: Configuration) throws {
      self.init(initial: try configuration.value("initial", default: 1))
    }
    func build(inputShape: [Int], generator: inout RandomGenerator) throws {
      factor = Weight(name: "factor", value: Tensor.full([inputShape.last ?? 1], value: initial))
    }
    func outputShape(forInputShape shape: [Int]) throws -> [Int] { shape }
    func call(_ input: Tensor, context: inout LayerContext) throws -> Tensor {
      guard let factor else { throw unbuiltLayerError(self) }
      return input * context[factor]
    }
  }
  let model = Sequential {
    Input(shape: [2])
    Scale(initial: 2)
    Dense(units: 1)
  }
  let folder = try temporaryFolder()
  defer { try? FileManager.default.removeItem(at: folder) }
  let file = folder.appendingPathComponent("custom.strata")
  try model.save(to: file)
  expectStrataError(.fileFormat, containing: "Could not locate class 'Scale'") {
    _ = try Sequential.load(from: file)
  }
  Registry.register(Scale.self)
  let restored = try Sequential.load(from: file)
  #expect(try restored.predict(Tensor([[1, 2]])) == (try model.predict(Tensor([[1, 2]]))))
}

/// A custom layer at file scope: found by name, no registration needed.
final class Shift: Layer, Configurable {
  var name = ""
  let offset: Float
  init(offset: Float) { self.offset = offset }
  var weights: [Weight] { [] }
  var configuration: Configuration { ["offset": offset] }
  convenience init(configuration: Configuration) throws {
    self.init(offset: try configuration.value("offset"))
  }
  func build(inputShape: [Int], generator: inout RandomGenerator) throws {}
  func outputShape(forInputShape shape: [Int]) throws -> [Int] { shape }
  func call(_ input: Tensor, context: inout LayerContext) throws -> Tensor { input + offset }
}

@Test func customLayersAtFileScopeLoadWithoutRegistration() throws {
  let model = Sequential {
    Input(shape: [2])
    Shift(offset: 0.5)
    Dense(units: 1)
  }
  // A weightless layer is built by its model: the summary counts its 0 parameters.
  #expect(model.summaryText(lineLength: 80).contains("│ shift (Shift)"))
  #expect(!model.summaryText(lineLength: 80).contains("unbuilt"))
  let folder = try temporaryFolder()
  defer { try? FileManager.default.removeItem(at: folder) }
  let file = folder.appendingPathComponent("shift.strata")
  try model.save(to: file)
  let restored = try Sequential.load(from: file)
  #expect(restored.layers.first is Shift)
  #expect(try restored.predict(Tensor([[1, 2]])) == (try model.predict(Tensor([[1, 2]]))))
}

@Test func aLayerThatIsNotConfigurableIsNamedWhenSaving() throws {
  final class Plain: Layer {
    var name = ""
    var weights: [Weight] { [] }
    func build(inputShape: [Int], generator: inout RandomGenerator) throws {}
    func outputShape(forInputShape shape: [Int]) throws -> [Int] { shape }
    func call(_ input: Tensor, context: inout LayerContext) throws -> Tensor { input }
  }
  let model = Sequential {
    Input(shape: [2])
    Plain()
  }
  #expect(model.isBuilt)
  let folder = try temporaryFolder()
  defer { try? FileManager.default.removeItem(at: folder) }
  expectStrataError(.invalidArgument, containing: "does not adopt `Configurable`") {
    try model.save(to: folder.appendingPathComponent("plain.strata"))
  }
}

@Test func weightFilesAreNotModelFiles() throws {
  let (model, _) = try smallTrainedModel()
  let folder = try temporaryFolder()
  defer { try? FileManager.default.removeItem(at: folder) }
  let weights = folder.appendingPathComponent("w.safetensors")
  try model.saveWeights(to: weights)
  expectStrataError(.fileFormat, containing: "not a Strata model file") {
    _ = try Sequential.load(from: weights)
  }
  expectStrataError(.invalidState, containing: "not built yet") {
    try Sequential { Dense(units: 2) }.save(to: folder.appendingPathComponent("x"))
  }
}

@Test func damagedModelFilesThrowAndNeverCrash() throws {
  let (model, _) = try smallTrainedModel()
  let folder = try temporaryFolder()
  defer { try? FileManager.default.removeItem(at: folder) }
  let file = folder.appendingPathComponent("m.strata")
  try model.save(to: file)
  let good = [UInt8](try Data(contentsOf: file))
  var generator = RandomGenerator(seed: 12)
  let damaged = folder.appendingPathComponent("damaged.strata")
  let x = Tensor.ones([2] + (model.inputShape ?? []))
  let expected = try model.predict(x)
  var refused = 0
  var truncations = 0
  for _ in 0..<500 {
    var bytes = good
    let damage = generator.nextIndex(below: 3)
    switch damage {
    case 0:
      bytes[generator.nextIndex(below: bytes.count)] ^= UInt8(1 + generator.nextIndex(below: 255))
    case 1:
      bytes = Array(bytes.prefix(generator.nextIndex(below: bytes.count)))
      truncations += 1
    default:
      bytes += (0..<(1 + generator.nextIndex(below: 16))).map { _ in
        UInt8(generator.nextIndex(below: 256))
      }
    }
    try Data(bytes).write(to: damaged)
    do {
      let loaded = try Sequential.load(from: damaged)
      // What loads is a working model of the same shape (a flipped weight bit changes values,
      // which safetensors does not check).
      #expect(damage != 1, "a truncated file loaded")
      #expect(try loaded.predict(x).shape == expected.shape)
    } catch is StrataError {
      refused += 1
    }
  }
  // Every truncation, every appended byte (the data length is checked) and most flips.
  #expect(refused >= truncations && refused > 250, "\(refused) of 500 damaged files refused")
}

/// Rewrites the JSON description inside a model file (and its header length), as a damaged
/// or hostile file would have it.
func rewritingDescription(of file: URL, to damaged: URL, _ edit: (String) -> String) throws {
  let bytes = [UInt8](try Data(contentsOf: file))
  let length = (0..<8).reduce(0) { $0 | Int(bytes[$1]) << (8 * $1) }
  var header = try #require(
    try JSONSerialization.jsonObject(with: Data(bytes[8..<(8 + length)])) as? [String: Any])
  var metadata = try #require(header["__metadata__"] as? [String: String])
  metadata["strata_model"] = edit(try #require(metadata["strata_model"]))
  header["__metadata__"] = metadata
  var json = try JSONSerialization.data(withJSONObject: header, options: [.sortedKeys])
  while json.count % 8 != 0 { json.append(0x20) }
  var out = Data((0..<8).map { UInt8(truncatingIfNeeded: json.count >> (8 * $0)) })
  out.append(json)
  out.append(contentsOf: bytes[(8 + length)...])
  try out.write(to: damaged)
}

@Test func hostileDescriptionsThrowBeforeAnythingIsBuilt() throws {
  let model = Sequential(seed: 1) {
    Dense(units: 4, inputShape: [3], activation: .relu)
    Dense(units: 2)
  }
  model.compile(optimizer: .adam, loss: .meanSquaredError)
  try model.fit(Tensor.ones([4, 3]), Tensor.zeros([4, 2]), verbose: 0)
  let folder = try temporaryFolder()
  defer { try? FileManager.default.removeItem(at: folder) }
  let file = folder.appendingPathComponent("m.strata")
  try model.save(to: file)
  let damaged = folder.appendingPathComponent("hostile.strata")
  let cases: [(String, (String) -> String, String)] = [
    // Each of these trapped (a Float → Int conversion, an overflowing product) or allocated
    // inputs × units floats before the shapes were checked.
    (
      "units 1e20", { $0.replacingOccurrences(of: #""units":4"#, with: #""units":1e20"#) },
      "`units`: expected an integer, found a number (1e+20)"
    ),
    (
      "units 2^40", { $0.replacingOccurrences(of: #""units":4"#, with: #""units":1099511627776"#) },
      "tensor 'dense/bias' has shape [4], the layer 'dense' (Dense) described in the file needs [1099511627776]"
    ),
    (
      "input 2^32 × 2^32",
      {
        $0.replacingOccurrences(
          of: #""input_shape":[3]"#, with: #""input_shape":[4294967296,4294967296]"#)
      }, "implausible input shape"
    ),
    (
      "iterations Int.max",
      {
        $0.replacingOccurrences(of: #""iterations":1"#, with: #""iterations":9223372036854775807"#)
      }, "`iterations` must be in 0...9007199254740992"
    ),
    (
      "iterations -1",
      { $0.replacingOccurrences(of: #""iterations":1"#, with: #""iterations":-1"#) },
      "`iterations` must be in 0...9007199254740992. Received: -1"
    ),
    (
      "iterations 1e300",
      { $0.replacingOccurrences(of: #""iterations":1"#, with: #""iterations":1e300"#) },
      "`iterations`: expected an integer"
    ),
    (
      "a layer named optimizer",
      { $0.replacingOccurrences(of: #""name":"dense_1""#, with: #""name":"optimizer""#) },
      "Layer name 'optimizer' is not allowed"
    ),
    (
      "duplicate names",
      { $0.replacingOccurrences(of: #""name":"dense_1""#, with: #""name":"dense""#) },
      "The name \"dense\" is used 2 times in the model 'sequential'"
    ),
    (
      "unknown class",
      { $0.replacingOccurrences(of: #""class_name":"Dense""#, with: #""class_name":"Dense9""#) },
      "Could not locate class 'Dense9'"
    ),
    (
      "deep nesting",
      {
        $0.replacingOccurrences(
          of: #""seed":1"#,
          with: #""seed":"# + String(repeating: "[", count: 100)
            + String(repeating: "]", count: 100))
      },
      "nesting deeper than 64 levels"
    ),
  ]
  for (_, edit, message) in cases {
    try rewritingDescription(of: file, to: damaged, edit)
    expectStrataError(.fileFormat, containing: message) { _ = try Sequential.load(from: damaged) }
  }
}

@Test func poisonedOptimizerStateIsRefused() throws {
  let model = Sequential(seed: 1) { Dense(units: 2, inputShape: [3]) }
  model.compile(optimizer: .adam, loss: .meanSquaredError)
  try model.fit(Tensor.ones([4, 3]), Tensor.zeros([4, 2]), verbose: 0)
  let folder = try temporaryFolder()
  defer { try? FileManager.default.removeItem(at: folder) }
  let file = folder.appendingPathComponent("m.strata")
  // A negative second moment loaded, and Adam's first step took its square root: every
  // weight became NaN.
  let optimizer = try #require(model.optimizer)
  let weights = model.trainableWeights
  optimizer.core.restoreState(
    iterations: 1, scalars: [:],
    slots: weights.map { [Tensor.zeros($0.shape), Tensor.full($0.shape, value: -1)] },
    for: weights)
  try model.save(to: file)
  expectStrataError(
    .fileFormat,
    containing:
      "optimizer slot 'optimizer/dense/kernel/1' holds the negative value -1.0 at flat index 0; adam keeps an average of squares there"
  ) {
    _ = try Sequential.load(from: file)
  }
  // Fewer slots than Adam keeps: loaded, then the first step read past them.
  optimizer.core.restoreState(
    iterations: 1, scalars: [:], slots: weights.map { [Tensor.zeros($0.shape)] }, for: weights)
  try model.save(to: file)
  expectStrataError(.fileFormat, containing: "has 1 optimizer slots, adam keeps 2") {
    _ = try Sequential.load(from: file)
  }
}

@Test func layerNamesAreUniqueAndFreeOfTheFileFormatsSeparators() throws {
  for (names, message) in [
    (["a", "a"], "The name \"a\" is used 2 times in the model 'sequential'"),
    (["optimizer", "b"], "Layer name 'optimizer' is not allowed"),
    (["a/b", "c"], "Layer name 'a/b' is not allowed: a name cannot contain '/'"),
  ] {
    let model = Sequential {
      Dense(units: 2, inputShape: [3], name: names[0])
      Dense(units: 1, name: names[1])
    }
    model.compile(optimizer: .sgd, loss: .meanSquaredError)
    expectStrataError(.invalidArgument, containing: message) {
      try model.fit(Tensor.ones([2, 3]), Tensor.ones([2, 1]), verbose: 0)
    }
    #expect(!model.isBuilt)
  }
}

@Test func aResumedFitRepeatsTheUninterruptedOneBitForBit() throws {
  // Shuffling, dropout and Adam all carry state across epochs: the model file keeps the random
  // streams as well as the optimizer's, so stopping after one epoch, saving, loading and going
  // on gives the very weights of two epochs in one go.
  func make() -> Sequential {
    let model = Sequential(seed: 5) {
      Dense(units: 8, inputShape: [3], activation: .relu)
      Dropout(rate: 0.3)
      Dense(units: 2, activation: .softmax)
    }
    model.compile(optimizer: .adam(learningRate: 0.01), loss: .sparseCategoricalCrossentropy)
    return model
  }
  var generator = RandomGenerator(seed: 6)
  let x = Tensor.normal([40, 3], generator: &generator)
  let y = Tensor((0..<40).map { Float($0 % 2) })
  let uninterrupted = make()
  try uninterrupted.fit(x, y, epochs: 2, batchSize: 8, verbose: 0)
  let interrupted = make()
  try interrupted.fit(x, y, epochs: 1, batchSize: 8, verbose: 0)
  let resumed = try savedAndLoaded(interrupted)
  try resumed.fit(x, y, epochs: 2, batchSize: 8, initialEpoch: 1, verbose: 0)
  #expect(resumed.getWeights() == uninterrupted.getWeights())
}

@Test func aDamagedRandomStateIsRefused() throws {
  let (model, _, _) = try kerasReferenceModel()
  let folder = try temporaryFolder()
  defer { try? FileManager.default.removeItem(at: folder) }
  let file = folder.appendingPathComponent("model.strata")
  try model.save(to: file)
  var bytes = [UInt8](try Data(contentsOf: file))
  // The description is JSON inside the header's JSON, so its quotes are escaped: the state's
  // first digit is the first character after `shuffle` that is not `\`, `"` or `:`.
  let key = Array("shuffle".utf8)
  let start = try #require(
    (0...(bytes.count - key.count)).first { Array(bytes[$0..<($0 + key.count)]) == key })
  var offset = start + key.count
  while [UInt8(ascii: "\\"), UInt8(ascii: "\""), UInt8(ascii: ":")].contains(bytes[offset]) {
    offset += 1
  }
  bytes[offset] = UInt8(ascii: "z")
  try Data(bytes).write(to: file)
  expectStrataError(.fileFormat, containing: "not a 64-bit hexadecimal state") {
    _ = try Sequential.load(from: file)
  }
}
