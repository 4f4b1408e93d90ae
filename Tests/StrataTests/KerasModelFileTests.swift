import Foundation
import Testing

@testable import Strata

/// The `.keras` files of `Tools/make-keras-fixtures.py` (Keras 3.15.1, JAX backend), each with
/// its inputs and Keras's `model.predict` on them in `NAME.json`.
private let kerasFixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
  .deletingLastPathComponent().appendingPathComponent("Fixtures/keras")

/// Keras's inputs and predictions for a fixture.
private struct KerasPrediction: Decodable {
  let input: [Float]
  let inputShape: [Int]
  let prediction: [Float]
  let predictionShape: [Int]

  enum CodingKeys: String, CodingKey {
    case input, prediction
    case inputShape = "input_shape"
    case predictionShape = "prediction_shape"
  }
}

private func kerasPrediction(_ name: String) throws -> KerasPrediction {
  try JSONDecoder().decode(
    KerasPrediction.self,
    from: Data(contentsOf: kerasFixtures.appendingPathComponent("\(name).json")))
}

/// Loads `NAME.keras` and expects Strata's prediction on Keras's inputs to equal Keras's.
@discardableResult
private func expectKerasPredictions(_ name: String, file: String? = nil) throws -> Sequential {
  let model = try Sequential.load(
    from: kerasFixtures.appendingPathComponent("\(file ?? name).keras"))
  let reference = try kerasPrediction(name)
  let prediction = try model.predict(
    Tensor(shape: reference.inputShape, scalars: reference.input), verbose: .silent)
  #expect(prediction.shape == reference.predictionShape)
  expectClose(prediction.scalars, reference.prediction, tolerance: 1e-5)
  return model
}

@Test func kerasMLPWithBatchNormalizationPredictsAsKeras() throws {
  let model = try expectKerasPredictions("mlp")
  #expect(
    model.layers.map(\.name) == [
      "dense", "batch_normalization", "dropout", "dense_1", "dense_2",
    ])
}

@Test func kerasFileWithDeflatedMembersLoadsAlike() throws {
  try expectKerasPredictions("mlp", file: "mlp-deflated")
}

@Test func kerasBinaryClassifierPredictsAsKeras() throws {
  try expectKerasPredictions("binary")
}

@Test func kerasConvnetPredictsAsKeras() throws {
  try expectKerasPredictions("convnet")
}

@Test func kerasSequenceModelPredictsAsKeras() throws {
  try expectKerasPredictions("sequences")
}

@Test func kerasCompileConfigurationBecomesStrata() throws {
  // mlp.keras was compiled with Adam(learning_rate=3e-3, beta_1=0.8),
  // sparse_categorical_crossentropy and ["accuracy"]; binary.keras with SGD(0.05,
  // momentum=0.9), binary_crossentropy and ["accuracy", AUC()].
  let mlp = try Sequential.load(from: kerasFixtures.appendingPathComponent("mlp.keras"))
  let adam = try #require(mlp.compiled?.optimizer as? Adam)
  #expect(adam.learningRate == 3e-3)
  #expect(adam.beta1 == 0.8)
  #expect(mlp.compiled?.loss is SparseCategoricalCrossentropy)
  #expect(mlp.compiled?.metrics.map(\.name) == ["accuracy"])
  let binary = try Sequential.load(from: kerasFixtures.appendingPathComponent("binary.keras"))
  let sgd = try #require(binary.compiled?.optimizer as? SGD)
  #expect(sgd.momentum == 0.9)
  #expect(binary.compiled?.loss is BinaryCrossentropy)
  #expect(binary.compiled?.metrics.map(\.name) == ["accuracy", "auc"])
  // An uncompiled Keras model (`compile_config: {}`) loads uncompiled; `compile: false` skips
  // a compiled one's configuration.
  #expect(
    try Sequential.load(from: kerasFixtures.appendingPathComponent("convnet.keras")).compiled == nil
  )
  #expect(
    try Sequential.load(from: kerasFixtures.appendingPathComponent("mlp.keras"), compile: false)
      .compiled == nil)
}

@Test func kerasModelTrainsOnAndSavesAsStrata() throws {
  let model = try Sequential.load(from: kerasFixtures.appendingPathComponent("mlp.keras"))
  let reference = try kerasPrediction("mlp")
  let x = Tensor(shape: reference.inputShape, scalars: reference.input)
  let history = try model.fit(x, Tensor([0, 1, 2, 3, 0]), epochs: 3, verbose: .silent)
  #expect(history.history["loss"]?.count == 3)
  #expect(history.history["accuracy"]?.count == 3)
  let url = FileManager.default.temporaryDirectory.appendingPathComponent(
    "strata-keras-\(UUID().uuidString).strata")
  defer { try? FileManager.default.removeItem(at: url) }
  try model.save(to: url)
  let reloaded = try Sequential.load(from: url)
  #expect(try reloaded.predict(x, verbose: .silent) == model.predict(x, verbose: .silent))
}

@Test func kerasArgumentsBeyondTheDefaultsLoadAndEvaluateAsKeras() throws {
  // options.keras (Tools/make-keras-fixtures.py, `write_options`): BatchNormalization(axis=1,
  // gamma_initializer, gamma_regularizer=L2(0.01), beta_constraint=NonNeg), Dense with
  // activity_regularizer=L1(0.01), AdamW(use_ema=True, gradient_accumulation_steps=2),
  // SparseCategoricalCrossentropy(ignore_class=-1, reduction="sum"), loss_weights=0.5,
  // MeanIoU(num_classes=3, sparse_y_pred=False); trained 2 epochs by Keras 3.15.1, which then
  // evaluated it on labels with an ignored class: the literals in options.json.
  let model = try expectKerasPredictions("options")
  let normalization = try #require(model.layers[0] as? BatchNormalization)
  #expect(normalization.axis == 1 && normalization.gammaRegularizer != nil)
  #expect((model.layers[2] as? Dense)?.activityRegularizer != nil)
  let optimizer = try #require(model.compiled?.optimizer as? AdamW)
  #expect(optimizer.core.useEMA && optimizer.core.gradientAccumulationSteps == 2)
  let loss = try #require(model.compiled?.loss as? SparseCategoricalCrossentropy)
  #expect(loss.ignoreClass == -1 && loss.reduction == .sum)
  #expect(model.lossWeights == 0.5)
  struct Evaluation: Decodable {
    let evaluate: [String: Float]
    let evaluateInput: [Float]
    let evaluateInputShape: [Int]
    let evaluateLabels: [Float]
    enum CodingKeys: String, CodingKey {
      case evaluate
      case evaluateInput = "evaluate_input"
      case evaluateInputShape = "evaluate_input_shape"
      case evaluateLabels = "evaluate_labels"
    }
  }
  let reference = try JSONDecoder().decode(
    Evaluation.self,
    from: Data(contentsOf: kerasFixtures.appendingPathComponent("options.json")))
  let result = try model.evaluate(
    Tensor(shape: reference.evaluateInputShape, scalars: reference.evaluateInput),
    Tensor(reference.evaluateLabels), verbose: 0)
  expectClose([result["loss"]!], [reference.evaluate["loss"]!])
  expectClose([result["mean_io_u"]!], [reference.evaluate["mean_io_u"]!])
}

// MARK: Bad input

/// The members of a fixture, `edit` applied to its config.json, zipped again.
private func editedFixture(_ name: String, config edit: (String) -> String) throws -> [UInt8] {
  let archive = try ZipArchive(
    bytes: [UInt8](try Data(contentsOf: kerasFixtures.appendingPathComponent("\(name).keras"))),
    source: name)
  return try ZipArchive.stored(
    try archive.names.map { member in
      let contents = try archive.contents(of: member)
      guard member == "config.json" else { return (member, contents) }
      return (member, Array(edit(String(decoding: contents, as: UTF8.self)).utf8))
    })
}

private func load(_ bytes: [UInt8]) throws {
  _ = try Sequential.load(bytes: bytes, source: "m.keras")
}

@Test func kerasTestZipWriterRoundTrips() throws {
  // The archive the bad-input tests build loads as the original does.
  let bytes = try editedFixture("mlp") { $0 }
  let model = try Sequential.load(bytes: bytes, source: "m.keras")
  let reference = try kerasPrediction("mlp")
  let prediction = try model.predict(
    Tensor(shape: reference.inputShape, scalars: reference.input), verbose: .silent)
  expectClose(prediction.scalars, reference.prediction)
}

@Test func kerasLayerOrArgumentStrataLacksIsAnErrorNamingIt() throws {
  expectStrataError(
    .fileFormat,
    containing: "Keras layer 'ActivityRegularization' (dropout) is not supported by Strata"
  ) {
    try load(
      try editedFixture("mlp") {
        $0.replacingOccurrences(of: "\"Dropout\"", with: "\"ActivityRegularization\"")
      })
  }
  expectStrataError(
    .fileFormat,
    containing:
      "Keras argument 'quantization_config' of layer 'dense' (Dense) is not supported by Strata"
  ) {
    try load(
      try editedFixture("mlp") {
        $0.replacingOccurrences(
          of: "\"quantization_config\": null", with: "\"quantization_config\": {\"mode\": \"int8\"}"
        )
      })
  }
  // A constraint Strata has loads: Dense's kernel_constraint becomes kernelConstraint.
  let constrained = try Sequential.load(
    bytes: try editedFixture("mlp") {
      $0.replacingOccurrences(
        of: "\"kernel_constraint\": null",
        with:
          "\"kernel_constraint\": {\"module\": \"keras.constraints\", \"class_name\": \"MaxNorm\", \"config\": {\"max_value\": 1.5, \"axis\": 0}, \"registered_name\": null}"
      )
    }, source: "m.keras")
  #expect((constrained.layers[0] as? Dense)?.kernelConstraint == .maxNorm(1.5))
  expectStrataError(
    .fileFormat, containing: "Keras argument 'renorm' of layer 'batch_normalization'"
  ) {
    try load(
      try editedFixture("mlp") {
        $0.replacingOccurrences(of: "\"renorm\": false", with: "\"renorm\": true")
      })
  }
  expectStrataError(.fileFormat, containing: "computes in 'mixed_float16'") {
    try load(
      try editedFixture("mlp") {
        $0.replacingOccurrences(
          of: "{\"name\": \"float32\"}", with: "{\"name\": \"mixed_float16\"}")
      })
  }
  expectStrataError(.fileFormat, containing: "Keras optimizer 'Lamb' is not supported") {
    try load(
      try editedFixture("mlp") {
        $0.replacingOccurrences(of: "\"class_name\": \"Adam\"", with: "\"class_name\": \"Lamb\"")
      })
  }
  expectStrataError(.fileFormat, containing: "Keras loss 'dice' is not supported") {
    try load(
      try editedFixture("mlp") {
        $0.replacingOccurrences(
          of: "\"loss\": \"sparse_categorical_crossentropy\"", with: "\"loss\": \"dice\"")
      })
  }
  expectStrataError(.fileFormat, containing: "a 'Functional' model; Strata loads Sequential models")
  {
    try load(
      try editedFixture("mlp") {
        $0.replacingOccurrences(
          of: "\"class_name\": \"Sequential\"", with: "\"class_name\": \"Functional\"")
      })
  }
  // Weights that disagree with the configuration.
  expectStrataError(.fileFormat, containing: "'layers/dense' for layer 'dense'") {
    try load(
      try editedFixture("mlp") {
        $0.replacingOccurrences(of: "\"units\": 16", with: "\"units\": 15")
      })
  }
}

@Test func kerasDamagedArchiveIsAnErrorWithTheOffset() throws {
  let bytes = [UInt8](try Data(contentsOf: kerasFixtures.appendingPathComponent("mlp.keras")))
  // Truncated: the end-of-central-directory record is gone.
  expectStrataError(.fileFormat, containing: "no end-of-central-directory record") {
    try load(Array(bytes.prefix(bytes.count / 2)))
  }
  // A central directory that points past its own end record.
  var lying = bytes
  let end = bytes.count - 22
  lying[end + 16] = 0xF0
  lying[end + 17] = 0xFF
  expectStrataError(.fileFormat, containing: "runs past its end record") { try load(lying) }
  // A flipped byte inside config.json fails its CRC-32.
  var flipped = bytes
  let configStart = try #require(
    (0..<bytes.count - 10).first { Array(bytes[$0..<$0 + 10]) == Array("{\"module\":".utf8) })
  flipped[configStart + 3] ^= 0x20
  expectStrataError(.fileFormat, containing: "fails its CRC-32 check") { try load(flipped) }
}

@Test func kerasDamagedWeightsFileIsAnErrorNotACrash() throws {
  let archive = try ZipArchive(
    bytes: [UInt8](try Data(contentsOf: kerasFixtures.appendingPathComponent("mlp.keras"))),
    source: "mlp.keras")
  let weights = try archive.contents(of: "model.weights.h5")
  let file = try HDF5File(bytes: weights, source: "w.h5")
  #expect(try file.memberNames(ofGroup: "layers/dense/vars") == ["0", "1"])
  #expect(try file.tensor(at: "layers/dense/vars/0").shape == [12, 16])
  // Every dataset of the file: 5 layers' 10 weights and Adam's 2 scalars and 2 × 8 slots.
  let datasets = try file.allDatasets()
  #expect(datasets.count == 28)
  #expect(datasets["optimizer/vars/0"]?.shape == [])
  expectStrataError(.fileFormat, containing: "HDF5 object '/layers/conv2d' does not exist") {
    _ = try file.tensor(at: "layers/conv2d/vars/0")
  }
  // A later superblock version, as h5py writes with libver="latest".
  var latest = weights
  latest[8] = 2
  expectStrataError(.fileFormat, containing: "HDF5 superblock version 2") {
    _ = try HDF5File(bytes: latest, source: "w.h5")
  }
  // Every B-tree and symbol-table node signature damaged in turn, and the file cut short at
  // many lengths: each read fails with a StrataError or succeeds, never crashes or hangs.
  var damagedCount = 0
  for signature in ["TREE", "SNOD", "HEAP"] {
    let pattern = Array(signature.utf8)
    for offset in 0..<(weights.count - 4) where Array(weights[offset..<offset + 4]) == pattern {
      var damaged = weights
      damaged[offset] ^= 0xFF
      damagedCount += 1
      #expect(throws: StrataError.self) {
        _ = try HDF5File(bytes: damaged, source: "w.h5").allDatasets()
      }
    }
  }
  #expect(damagedCount >= 10)
  for length in stride(from: 0, to: weights.count, by: 97) {
    #expect(throws: StrataError.self) {
      _ = try HDF5File(bytes: Array(weights.prefix(length)), source: "w.h5").allDatasets()
    }
  }
  // A legacy Keras 2 HDF5 model file is named as such.
  expectStrataError(.fileFormat, containing: "Keras 2 saved whole models (.h5)") {
    try load(weights)
  }
}

@Test func hdf5WriterOutputReadsBack() throws {
  var writer = HDF5Writer()
  writer.add(Tensor([[1, 2, 3], [4, 5, 6]]), at: "layers/dense/vars/0")
  writer.add(Tensor([0.5, -0.25, 3]), at: "layers/dense/vars/1")
  writer.add(Tensor(shape: [], scalars: [7]), at: "optimizer/vars/0")
  writer.addGroup(at: "layers/dropout/vars")
  for index in 0..<12 { writer.add(Tensor([Float(index)]), at: "many/\(index)") }
  let bytes = writer.bytes()
  if let path = ProcessInfo.processInfo.environment["STRATA_WRITE_HDF5"] {
    try Data(bytes).write(to: URL(fileURLWithPath: path))
  }
  let file = try HDF5File(bytes: bytes, source: "written.h5")
  let datasets = try file.allDatasets()
  #expect(datasets.count == 15)
  #expect(datasets["layers/dense/vars/0"] == Tensor([[1, 2, 3], [4, 5, 6]]))
  #expect(datasets["layers/dense/vars/1"] == Tensor([0.5, -0.25, 3]))
  #expect(datasets["optimizer/vars/0"]?.scalars == [7])
  #expect(try file.memberNames(ofGroup: "layers/dropout/vars") == [])
  // HDF5's order: by bytes, so "10" and "11" sort between "1" and "2".
  #expect(
    try file.memberNames(ofGroup: "many") == [
      "0", "1", "10", "11", "2", "3", "4", "5", "6", "7", "8", "9",
    ])
}

@Test func kerasFilesStrataWritesLoadBackAlike() throws {
  // Each Keras fixture, loaded, written by Strata as .keras and loaded again, predicts the
  // same bits; Tools/check-exports.sh loads such files in Keras itself.
  for name in ["mlp", "binary", "convnet", "sequences"] {
    let model = try Sequential.load(from: kerasFixtures.appendingPathComponent("\(name).keras"))
    let url = FileManager.default.temporaryDirectory.appendingPathComponent(
      "strata-\(UUID().uuidString)-\(name).keras")
    defer { try? FileManager.default.removeItem(at: url) }
    if let folder = ProcessInfo.processInfo.environment["STRATA_WRITE_KERAS"] {
      try model.save(
        to: URL(fileURLWithPath: folder).appendingPathComponent("\(name).keras"), format: .keras)
    }
    try model.save(to: url, format: .keras)
    let reloaded = try Sequential.load(from: url)
    let reference = try kerasPrediction(name)
    let x = Tensor(shape: reference.inputShape, scalars: reference.input)
    #expect(
      try reloaded.predict(x, verbose: .silent) == model.predict(x, verbose: .silent), "\(name)")
    #expect(reloaded.layers.map(\.name) == model.layers.map(\.name))
    #expect(reloaded.compiled?.optimizer.name == model.compiled?.optimizer.name)
  }
}

@Test func kerasWriterRefusesWhatKerasCannotRead() throws {
  let url = FileManager.default.temporaryDirectory.appendingPathComponent(
    "strata-\(UUID().uuidString)-refused.keras")
  let leaky = Sequential {
    Input(shape: [3])
    Dense(units: 2, activation: .leakyRelu(alpha: 0.1))
  }
  try leaky.build(inputShape: [3])
  expectStrataError(.invalidArgument, containing: "layer 'dense': activation") {
    try leaky.save(to: url, format: .keras)
  }
  let huber = Sequential {
    Input(shape: [3])
    Dense(units: 1)
  }
  huber.compile(optimizer: .sgd(), loss: .meanSquaredError, metrics: [LossMetric(.huber)])
  try huber.build(inputShape: [3])
  expectStrataError(.invalidArgument, containing: "metric 'huber_loss' has no Keras equivalent") {
    try huber.save(to: url, format: .keras)
  }
  expectStrataError(.invalidState, containing: "is not built yet") {
    try Sequential { Dense(units: 2) }.save(to: url, format: .keras)
  }
  #expect(!FileManager.default.fileExists(atPath: url.path))
  // The default leaky_relu (alpha 0.2) is Keras's own and is written by name.
  let plain = Sequential {
    Input(shape: [3])
    Dense(units: 2, activation: .leakyRelu)
  }
  try plain.build(inputShape: [3])
  defer { try? FileManager.default.removeItem(at: url) }
  try plain.save(to: url, format: .keras)
  let config = try ZipArchive(bytes: [UInt8](try Data(contentsOf: url)), source: "m")
    .contents(of: "config.json")
  #expect(String(decoding: config, as: UTF8.self).contains("\"activation\":\"leaky_relu\""))
}

@Test func hdf5CyclicTreeAndOffsetsPastTheEndAreErrors() throws {
  var writer = HDF5Writer()
  writer.add(Tensor([1, 2]), at: "group/data")
  let bytes = writer.bytes()
  // The first B-tree node is the inner group's: make it an internal node whose child is
  // itself, a cycle a careless reader would follow for ever.
  let pattern = Array("TREE".utf8)
  let tree = try #require((0..<bytes.count - 4).first { Array(bytes[$0..<$0 + 4]) == pattern })
  var cyclic = bytes
  cyclic[tree + 5] = 1  // level 1: children are B-tree nodes
  let child = tree + 8 + 16 + 8  // past the signature, type, level, count, siblings and key 0
  for index in 0..<8 { cyclic[child + index] = UInt8(truncatingIfNeeded: tree >> (8 * index)) }
  expectStrataError(.fileFormat, containing: "reaches the node at byte offset \(tree) twice") {
    _ = try HDF5File(bytes: cyclic, source: "cyclic.h5").allDatasets()
  }
  // A dataset whose storage address lies past the end of the file.
  let layout = try #require(
    (0..<bytes.count - 2).first { bytes[$0] == 3 && bytes[$0 + 1] == 1 && $0 % 8 == 0 })
  var pastTheEnd = bytes
  for index in 0..<8 { pastTheEnd[layout + 2 + index] = index == 3 ? 0x10 : 0 }
  expectStrataError(.fileFormat, containing: "lies outside the file's") {
    _ = try HDF5File(bytes: pastTheEnd, source: "past.h5").allDatasets()
  }
}

@Test func hdf5OutsideTheSubsetIsAnErrorThatSaysWhatWasFound() throws {
  // Tests/Fixtures/hdf5, written by h5py 3.16 (HDF5 1.14): what Keras does not write.
  let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    .deletingLastPathComponent().appendingPathComponent("Fixtures/hdf5")
  func read(_ name: String) throws -> [String: Tensor] {
    let bytes = [UInt8](try Data(contentsOf: folder.appendingPathComponent(name)))
    return try HDF5File(bytes: bytes, source: name).allDatasets()
  }
  let cases = [
    ("chunked-gzip.h5", "is filtered (compressed)"), ("chunked.h5", "is chunked"),
    ("latest.h5", "superblock version 3"), ("strings.h5", "holds string values"),
    ("big-endian.h5", "holds big-endian float values"),
  ]
  for (name, message) in cases {
    expectStrataError(.fileFormat, containing: message) { _ = try read(name) }
  }
}
