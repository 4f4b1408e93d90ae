import Foundation
import Testing

@testable import Strata

// Every configurable type in Sources/Strata has an example here, saved into a model file and
// loaded back: its configuration must come back equal and its behaviour bit-identical. A new
// layer, optimizer, loss, metric or schedule without an example fails
// `everyConfigurableTypeHasAnExample`, so a type that does not round-trip fails here rather
// than in a user's save.

/// A loss and a metric written as closures, registered by name before loading.
let registeredLoss = CustomLoss(name: "registry_test_loss") { y, p in (y - p).square().sum() }
let registeredMetric = CustomMetric(name: "registry_test_metric", higherIsBetter: false) { y, p in
  (y - p).abs()
}

/// Layers with arguments away from their defaults, and the per-sample input shape each takes
/// (fresh instances each call: tests train them).
func layerExamples() -> [(any Layer & Configurable, [Int])] {
  [
    (
      Dense(
        units: 3, activation: .leakyRelu(alpha: 0.1), useBias: false, kernelInitializer: .heUniform,
        regularizer: .l1l2(l1: 0.01, l2: 0.02)), [4]
    ),
    (Dense(units: 2, biasInitializer: .constant(0.5), biasRegularizer: .l2(0.1)), [3]),
    (Dropout(rate: 0.3, seed: 9), [4]),
    (BatchNormalization(momentum: 0.9, epsilon: 0.01, center: false), [4]),
    (Flatten(), [2, 2]),
    (Activation(.gelu(approximate: true)), [4]),
    (Input(shape: [4]), [4]),
  ]
}

/// Optimizers with arguments away from their defaults (fresh instances each call).
func optimizerExamples() -> [any Optimizer] {
  [
    SGD(learningRate: 0.05, momentum: 0.8, nesterov: true, clipNorm: 1),
    RMSprop(rho: 0.8, momentum: 0.1, centered: true),
    Adagrad(initialAccumulatorValue: 0.2),
    Adadelta(learningRate: 0.5, rho: 0.9),
    Adam(beta1: 0.8, amsgrad: true, weightDecay: 0.01),
    AdamW(weightDecay: 0.02),
    Adamax(beta2: 0.99, globalClipNorm: 2),
    Nadam(epsilon: 1e-6, clipValue: 0.5, decay: 0.01),
  ]
}

let lossExamples: [any Loss] = [
  BinaryCrossentropy(fromLogits: true, labelSmoothing: 0.1),
  CategoricalCrossentropy(labelSmoothing: 0.2),
  SparseCategoricalCrossentropy(fromLogits: true), MeanSquaredError(), MeanAbsoluteError(),
  Huber(delta: 0.5), Hinge(), KLDivergence(), registeredLoss,
]

let metricExamples: [any Metric] = [
  Accuracy(), BinaryAccuracy(threshold: 0.3), CategoricalAccuracy(), SparseCategoricalAccuracy(),
  TopKCategoricalAccuracy(k: 2), Precision(), Recall(), AUC(numThresholds: 50),
  LossMetric(Huber(delta: 2)), registeredMetric,
]

let scheduleExamples: [any LearningRateSchedule] = [
  ExponentialDecay(initialLearningRate: 0.1, decaySteps: 3, decayRate: 0.5, staircase: true),
  InverseTimeDecay(initialLearningRate: 0.1, decaySteps: 2, decayRate: 0.3),
  PiecewiseConstantDecay(boundaries: [1, 3], values: [0.1, 0.05, 0.01]),
  PolynomialDecay(
    initialLearningRate: 0.1, decaySteps: 4, endLearningRate: 0.01, power: 2, cycle: true),
  CosineDecay(
    initialLearningRate: 0.05, decaySteps: 5, alpha: 0.1, warmupTarget: 0.1, warmupSteps: 2),
]

/// The names of the types that must have an example: every type declared in Sources/Strata
/// that adopts `Configurable`, a protocol refining it, or `Layer`.
func configurableTypesInSources() throws -> Set<String> {
  let sources = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    .appendingPathComponent("../../Sources/Strata").standardized
  let families: Set<String> = [
    "Configurable", "Layer", "Optimizer", "Loss", "Metric", "LearningRateSchedule", "BuiltInLoss",
  ]
  let declaration = try NSRegularExpression(
    pattern: #"public\s+(?:final\s+)?(?:class|struct|enum)\s+(\w+)\s*:\s*([^{]*)\{"#)
  var names = Set<String>()
  let files = FileManager.default.enumerator(atPath: sources.path)!
  for case let file as String in files where file.hasSuffix(".swift") {
    let text = try String(contentsOf: sources.appendingPathComponent(file), encoding: .utf8)
    for match in declaration.matches(in: text, range: NSRange(text.startIndex..., in: text)) {
      let name = String(text[Range(match.range(at: 1), in: text)!])
      let conformances = text[Range(match.range(at: 2), in: text)!]
        .split(separator: ",").map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }
      if !families.isDisjoint(with: conformances) { names.insert(name) }
    }
  }
  return names
}

@Test func everyConfigurableTypeHasAnExample() throws {
  let declared = try configurableTypesInSources()
  // The scan sees the types this file names below; if it found nothing, it is broken.
  #expect(declared.contains("Dense") && declared.contains("Adam") && declared.contains("AUC"))
  let examples: [Any] =
    layerExamples().map(\.0) + optimizerExamples() + lossExamples + metricExamples
    + scheduleExamples
  let covered = Set(examples.map { String(describing: type(of: $0)) })
  for name in declared.sorted() where !covered.contains(name) {
    Issue.record("\(name) is configurable but has no example in RegistryTests.swift")
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

@Test(arguments: layerExamples().indices)
func layersRoundTripThroughAModelFile(index: Int) throws {
  let (layer, inputShape) = layerExamples()[index]
  var generator = RandomGenerator(seed: UInt64(index))
  let x = Tensor.normal([5] + inputShape, generator: &generator)
  if let input = layer as? Input {
    // An input declaration is the model's build configuration, not a layer of it.
    #expect(try Input(configuration: input.configuration).shape == input.shape)
    return
  }
  let model = Sequential(seed: 7) {
    Input(shape: inputShape)
    layer
  }
  // Train a step so that weights and moving statistics are not their initial values.
  model.compile(optimizer: .sgd(learningRate: 0.1), loss: .meanSquaredError)
  let target = try model.predict(x) * 0.5 + 0.1
  try model.fit(x, target, epochs: 1, batchSize: 5, verbose: 0)
  let loaded = try savedAndLoaded(model)
  let restored = try #require(loaded.layers.first as? any Configurable)
  #expect(type(of: restored) == type(of: layer))
  #expect(restored.configuration == layer.configuration)
  #expect(try loaded.predict(x) == (try model.predict(x)))
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

@Test(arguments: optimizerExamples().indices)
func optimizersRoundTripWithTheirState(index: Int) throws {
  let example = optimizerExamples()[index]
  let (model, x, y) = try trainedModel(example)
  let loaded = try savedAndLoaded(model)
  let optimizer = try #require(loaded.optimizer)
  #expect(type(of: optimizer) == type(of: example))
  #expect(optimizer.configuration == example.configuration)
  #expect(optimizer.iterations == example.iterations)
  #expect(optimizer.core.scalars == example.core.scalars)
  // The next steps are the same bits.
  try model.fit(x, y, epochs: 1, batchSize: 4, shuffle: false, verbose: 0)
  try loaded.fit(x, y, epochs: 1, batchSize: 4, shuffle: false, verbose: 0)
  #expect(loaded.getWeights() == model.getWeights())
}

@Test(arguments: scheduleExamples.indices)
func schedulesRoundTripInsideTheirOptimizer(index: Int) throws {
  let schedule = scheduleExamples[index]
  let (model, x, y) = try trainedModel(SGD().scheduled(by: schedule))
  let loaded = try savedAndLoaded(model)
  let restored = try #require(loaded.optimizer?.learningRateSchedule)
  #expect(type(of: restored) == type(of: schedule))
  #expect(restored.configuration == schedule.configuration)
  #expect((0..<12).map(restored.rate(at:)) == (0..<12).map(schedule.rate(at:)))
  try model.fit(x, y, epochs: 1, batchSize: 4, shuffle: false, verbose: 0)
  try loaded.fit(x, y, epochs: 1, batchSize: 4, shuffle: false, verbose: 0)
  #expect(loaded.getWeights() == model.getWeights())
}

@Test(arguments: lossExamples.indices)
func lossesRoundTripInTheCompileConfiguration(index: Int) throws {
  Registry.register(loss: registeredLoss)
  let loss = lossExamples[index]
  let model = Sequential(seed: 1) { Dense(units: 3, inputShape: [2], activation: .softmax) }
  model.compile(optimizer: .adam, loss: loss)
  let loaded = try savedAndLoaded(model)
  let restored = try #require(loaded.loss)
  #expect(type(of: restored) == type(of: loss))
  #expect(restored.name == loss.name)
  #expect(restored.configuration == loss.configuration)
  let prediction = Tensor([[0.2, 0.5, 0.3], [0.6, 0.1, 0.3]])
  let target =
    loss is SparseCategoricalCrossentropy ? Tensor([1, 0]) : Tensor([[0, 1, 0], [1, 0, 0]])
  #expect(
    restored.values(target: target, prediction: prediction)
      == loss.values(target: target, prediction: prediction))
}

@Test(arguments: metricExamples.indices)
func metricsRoundTripInTheCompileConfiguration(index: Int) throws {
  Registry.register(metric: registeredMetric)
  let metric = metricExamples[index]
  let model = Sequential(seed: 1) { Dense(units: 1, inputShape: [2], activation: .sigmoid) }
  model.compile(optimizer: .adam, loss: .binaryCrossentropy, metrics: [metric])
  let loaded = try savedAndLoaded(model)
  let restored = try #require(loaded.metrics.first)
  #expect(type(of: restored) == type(of: metric))
  #expect(restored.name == metric.name && restored.higherIsBetter == metric.higherIsBetter)
  #expect(restored.configuration == metric.configuration)
  let (target, prediction) = (Tensor([[1], [0], [1], [0]]), Tensor([[0.9], [0.4], [0.2], [0.1]]))
  func result(_ metric: any Metric) -> Float {
    let accumulator = metric.makeAccumulator(
      for: MetricResolution(outputShape: [1], targetShape: [1]))
    accumulator.update(target: target, prediction: prediction)
    return accumulator.result
  }
  #expect(result(restored) == result(metric))
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
