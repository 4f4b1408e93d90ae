import Foundation
import Testing

@testable import Strata

// Every configurable type in Sources/Strata must be round-tripped through a real model file by
// a test — in the type's own test file, with one of the `expectRoundTrip` calls below: its
// configuration must come back equal and its behaviour bit-identical. A new layer, optimizer,
// loss, metric or schedule without such a call fails `everyConfigurableTypeIsRoundTripped`,
// so a type that does not round-trip fails here rather than in a user's save.

/// The names of the types that must be round-tripped: every type declared in Sources/Strata
/// that adopts `Configurable`, a protocol refining it, or `Layer`.
func configurableTypesInSources() throws -> Set<String> {
  let families: Set<String> = [
    "Configurable", "Layer", "Optimizer", "Loss", "Metric", "LearningRateSchedule", "BuiltInLoss",
  ]
  let declaration = try NSRegularExpression(
    pattern: #"public\s+(?:final\s+)?(?:class|struct|enum)\s+(\w+)\s*:\s*([^{]*)\{"#)
  var names = Set<String>()
  for text in try swiftSources(in: "Sources/Strata") {
    for match in declaration.matches(in: text, range: NSRange(text.startIndex..., in: text)) {
      let name = String(text[Range(match.range(at: 1), in: text)!])
      let conformances = text[Range(match.range(at: 2), in: text)!]
        .split(separator: ",").map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }
      if !families.isDisjoint(with: conformances) { names.insert(name) }
    }
  }
  return names
}

/// The types some test passes to `expectRoundTrip` by name: `expectRoundTrip(Dense(…`.
func roundTrippedTypesInTests() throws -> Set<String> {
  let call = try NSRegularExpression(pattern: #"expectRoundTrip\(\s*([A-Z]\w*)\("#)
  var names = Set<String>()
  for text in try swiftSources(in: "Tests/StrataTests") {
    for match in call.matches(in: text, range: NSRange(text.startIndex..., in: text)) {
      names.insert(String(text[Range(match.range(at: 1), in: text)!]))
    }
  }
  return names
}

/// The text of every Swift file under `folder` of the repository.
func swiftSources(in folder: String) throws -> [String] {
  let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    .appendingPathComponent("../../" + folder).standardized
  let files = FileManager.default.enumerator(atPath: root.path)?.compactMap { $0 as? String } ?? []
  return try files.filter { $0.hasSuffix(".swift") }.map {
    try String(contentsOf: root.appendingPathComponent($0), encoding: .utf8)
  }
}

@Test func everyConfigurableTypeIsRoundTripped() throws {
  let declared = try configurableTypesInSources()
  // The scans see types named in this suite; if they found nothing, they are broken.
  #expect(declared.contains("Dense") && declared.contains("Adam") && declared.contains("AUC"))
  let covered = try roundTrippedTypesInTests()
  #expect(covered.contains("Dense") && covered.contains("CosineDecay"))
  for name in declared.sorted() where !covered.contains(name) {
    Issue.record(
      "\(name) is configurable but no test calls expectRoundTrip(\(name)(…)); add one to its test file"
    )
  }
}

/// `model` written to a model file and read back.
func savedAndLoaded(_ model: Sequential) throws -> Sequential {
  let folder = try temporaryFolder()
  defer { try? FileManager.default.removeItem(at: folder) }
  let file = folder.appendingPathComponent("round-trip.strata")
  try model.save(to: file)
  return try Sequential.load(from: file)
}

/// Trains a model holding `layer` for a step (so weights and moving statistics are not their
/// initial values), saves and loads it: the same type and configuration, the same predictions.
func expectRoundTrip(
  _ layer: any Layer & Configurable, inputShape: [Int], input: Tensor? = nil,
  sourceLocation: SourceLocation = #_sourceLocation
) throws {
  var generator = RandomGenerator(seed: 2)
  let x = input ?? Tensor.normal([5] + inputShape, generator: &generator)
  if let input = layer as? Input {
    // An input declaration is the model's build configuration, not a layer of it.
    let restored = try Input(configuration: input.configuration)
    #expect(restored.shape == input.shape, sourceLocation: sourceLocation)
    return
  }
  let model = Sequential(seed: 7) {
    Input(shape: inputShape)
    layer
  }
  model.compile(optimizer: .sgd(learningRate: 0.1), loss: .meanSquaredError)
  let target = try model.predict(x) * 0.5 + 0.1
  try model.fit(x, target, epochs: 1, batchSize: x.shape[0], verbose: 0)
  let loaded = try savedAndLoaded(model)
  let restored = try #require(loaded.layers.first as? any Configurable)
  #expect(type(of: restored) == type(of: layer), sourceLocation: sourceLocation)
  #expect(restored.configuration == layer.configuration, sourceLocation: sourceLocation)
  #expect(try loaded.predict(x) == (try model.predict(x)), sourceLocation: sourceLocation)
}

/// A model compiled with `optimizer`, trained for two steps.
func trainedModel(_ optimizer: any Optimizer) throws -> (Sequential, Tensor, Tensor) {
  let model = Sequential(seed: 3) { Dense(units: 3, inputShape: [4], activation: .softmax) }
  var generator = RandomGenerator(seed: 4)
  let x = Tensor.normal([8, 4], generator: &generator)
  let y = Tensor([0, 1, 2, 0, 1, 2, 0, 1])
  model.compile(optimizer: optimizer, loss: .sparseCategoricalCrossentropy)
  try model.fit(x, y, epochs: 1, batchSize: 4, shuffle: false, verbose: 0)
  return (model, x, y)
}

/// Trains with `optimizer`, saves and loads: the same configuration and state, and the next
/// steps are the same bits.
func expectRoundTrip(
  _ optimizer: any Optimizer, sourceLocation: SourceLocation = #_sourceLocation
) throws {
  let (model, x, y) = try trainedModel(optimizer)
  let loaded = try savedAndLoaded(model)
  let restored = try #require(loaded.optimizer)
  #expect(type(of: restored) == type(of: optimizer), sourceLocation: sourceLocation)
  #expect(restored.configuration == optimizer.configuration, sourceLocation: sourceLocation)
  #expect(restored.iterations == optimizer.iterations, sourceLocation: sourceLocation)
  #expect(restored.core.scalars == optimizer.core.scalars, sourceLocation: sourceLocation)
  try model.fit(x, y, epochs: 1, batchSize: 4, shuffle: false, verbose: 0)
  try loaded.fit(x, y, epochs: 1, batchSize: 4, shuffle: false, verbose: 0)
  #expect(loaded.getWeights() == model.getWeights(), sourceLocation: sourceLocation)
}

/// Saves and loads a model whose optimizer uses `schedule`: the same schedule, the same rates
/// and the same next steps.
func expectRoundTrip(
  _ schedule: any LearningRateSchedule, sourceLocation: SourceLocation = #_sourceLocation
) throws {
  let (model, x, y) = try trainedModel(SGD().scheduled(by: schedule))
  let loaded = try savedAndLoaded(model)
  let restored = try #require(loaded.optimizer?.learningRateSchedule)
  #expect(type(of: restored) == type(of: schedule), sourceLocation: sourceLocation)
  #expect(restored.configuration == schedule.configuration, sourceLocation: sourceLocation)
  #expect(
    (0..<12).map(restored.rate(at:)) == (0..<12).map(schedule.rate(at:)),
    sourceLocation: sourceLocation)
  try model.fit(x, y, epochs: 1, batchSize: 4, shuffle: false, verbose: 0)
  try loaded.fit(x, y, epochs: 1, batchSize: 4, shuffle: false, verbose: 0)
  #expect(loaded.getWeights() == model.getWeights(), sourceLocation: sourceLocation)
}

/// Saves and loads a model compiled with `loss`: the same configuration and the same values
/// on `target` and `prediction`. A ``CustomLoss`` is registered first.
func expectRoundTrip(
  _ loss: any Loss, target: Tensor = Tensor([[0, 1, 0], [1, 0, 0]]),
  prediction: Tensor = Tensor([[0.2, 0.5, 0.3], [0.6, 0.1, 0.3]]),
  sourceLocation: SourceLocation = #_sourceLocation
) throws {
  if let custom = loss as? CustomLoss { Registry.register(loss: custom) }
  let model = Sequential(seed: 1) { Dense(units: 3, inputShape: [2], activation: .softmax) }
  model.compile(optimizer: .adam, loss: loss)
  let restored = try #require(try savedAndLoaded(model).loss)
  #expect(type(of: restored) == type(of: loss), sourceLocation: sourceLocation)
  #expect(restored.name == loss.name, sourceLocation: sourceLocation)
  #expect(restored.configuration == loss.configuration, sourceLocation: sourceLocation)
  #expect(
    restored.values(target: target, prediction: prediction)
      == loss.values(target: target, prediction: prediction), sourceLocation: sourceLocation)
}

/// Saves and loads a model compiled with `metric`: the same name, direction, configuration
/// and result on a batch. A ``CustomMetric`` is registered first.
func expectRoundTrip(_ metric: any Metric, sourceLocation: SourceLocation = #_sourceLocation)
  throws
{
  if let custom = metric as? CustomMetric { Registry.register(metric: custom) }
  let model = Sequential(seed: 1) { Dense(units: 1, inputShape: [2], activation: .sigmoid) }
  model.compile(optimizer: .adam, loss: .binaryCrossentropy, metrics: [metric])
  let restored = try #require(try savedAndLoaded(model).metrics.first)
  #expect(type(of: restored) == type(of: metric), sourceLocation: sourceLocation)
  #expect(
    restored.name == metric.name && restored.higherIsBetter == metric.higherIsBetter,
    sourceLocation: sourceLocation)
  #expect(restored.configuration == metric.configuration, sourceLocation: sourceLocation)
  let (target, prediction) = (Tensor([[1], [0], [1], [0]]), Tensor([[0.9], [0.4], [0.2], [0.1]]))
  func result(_ metric: any Metric) -> Float {
    let accumulator = metric.makeAccumulator(
      for: MetricResolution(outputShape: [1], targetShape: [1]))
    accumulator.update(target: target, prediction: prediction)
    return accumulator.result
  }
  #expect(result(restored) == result(metric), sourceLocation: sourceLocation)
}

@Test func everyRegisteredActivationRoundTrips() throws {
  let cube = ActivationFunction.custom(name: "registry_test_cube") { $0 * $0 * $0 }
  Registry.register(activation: cube)
  let x = Tensor([[-2, -0.5, 0, 0.5, 2]])
  #expect(Registry.activationNames.contains("relu") && Registry.activationNames.contains(cube.name))
  for name in Registry.activationNames {
    let activation = try ActivationFunction(configurationValue: .string(name))
    let restored = try ActivationFunction(configurationValue: activation.configurationValue)
    #expect(restored == activation, "\(name)")
    #expect(restored(x) == activation(x), "\(name)")
  }
  // Arguments travel with the name.
  let elu = ActivationFunction.elu(alpha: 0.5)
  #expect(elu.configurationValue.description == #"{"class_name":"elu","config":{"alpha":0.5}}"#)
  #expect(try ActivationFunction(configurationValue: elu.configurationValue)(x) == elu(x))
}

@Test func everyRegisteredInitializerAndRegularizerRoundTrips() throws {
  for name in Registry.initializerNames {
    let initializer = try Initializer(
      configurationValue: name == "Values" || name == "values"
        ? Initializer.values(Tensor([[1, 2], [3, 4]])).configurationValue : .string(name))
    let restored = try Initializer(configurationValue: initializer.configurationValue)
    #expect(restored == initializer, "\(name)")
    var first = RandomGenerator(seed: 5)
    var second = RandomGenerator(seed: 5)
    #expect(
      try restored([2, 2], generator: &first) == (try initializer([2, 2], generator: &second)))
  }
  for name in Registry.regularizerNames {
    let regularizer = try Regularizer(configurationValue: .string(name))
    let restored = try Regularizer(configurationValue: regularizer.configurationValue)
    #expect(restored == regularizer, "\(name)")
  }
  // Keras's defaults for the bare identifiers: l2 is 0.01, l1_l2 is 0 and 0.
  #expect(try Regularizer(configurationValue: .string("l2")) == .l2(0.01))
  #expect(try Regularizer(configurationValue: .string("l1_l2")) == .l1l2(l1: 0, l2: 0))
}

@Test func unknownNamesAndWrongRolesAreReported() throws {
  expectStrataError(.fileFormat, containing: "Could not locate class 'Dense2' of module 'Strata'") {
    _ = try Registry.instantiate(
      .object(["class_name": "Dense2", "module": "Strata"]), as: (any Layer).self, role: "a layer")
  }
  expectStrataError(.fileFormat, containing: "'Strata.Adam' is not a layer") {
    _ = try Registry.instantiate(
      Registry.reference(to: Adam()), as: (any Layer).self, role: "a layer")
  }
  expectStrataError(.invalidArgument, containing: "Dense: `units` is missing") {
    _ = try Registry.instantiate(
      .object(["class_name": "Dense", "config": Configuration()]), as: (any Layer).self,
      role: "a layer")
  }
  // Names that are not plain identifiers never reach the runtime's type lookup.
  for name in ["Dense C", "$s6Strata5DenseC", "6Strata5DenseC", "Strata..Dense", ""] {
    expectStrataError(.fileFormat, containing: "Could not locate class") {
      _ = try Registry.instantiate(
        .object(["class_name": name, "module": "Strata"]), as: (any Layer).self,
        role: "a layer")
    }
  }
  expectStrataError(
    .invalidArgument, containing: "Could not interpret activation function identifier: relux"
  ) {
    _ = try ActivationFunction(configurationValue: .string("relux"))
  }
  expectStrataError(.invalidArgument, containing: "Register it with `Registry.register(loss:)`") {
    _ = try CustomLoss(configuration: ["name": "never_registered"])
  }
}
