import Foundation

/// Saving a whole model — architecture, compile configuration, weights and optimizer state —
/// in one safetensors file.
///
/// The description is JSON in the file's `__metadata__` under `strata_model`, shaped as
/// Keras's `config.json`: each layer, the optimizer, the loss and the metrics as
/// `{"class_name", "module", "config"}` (``Registry/reference(to:)``), plus the input shape
/// and the optimizer's step count. Weights are named `dense/kernel`, …; optimizer slots
/// `optimizer/dense/kernel/0`, … This file knows the format only: what each object saves is
/// its own ``Configurable/configuration``.
enum ModelFile {
  /// The `format` value of a Strata model description.
  static let format = "strata-model"
  /// The description's version (1 was written before 0.1.0, with Strata's own keys).
  static let version = 2
  /// The largest step count a file may give an optimizer (exact in a JSON number).
  static let maximumIterations = 1 << 53
  /// The largest number of values per sample a file may declare for the model's input.
  static let maximumInputSize = 1 << 28
}

extension Sequential {
  /// Saves the whole model to one file: layers, compile configuration (optimizer with its
  /// state, loss, metrics) and weights; written atomically, so a failure leaves any earlier
  /// file as it was.
  ///
  /// Every layer must adopt ``Configurable``; a loss or metric written as a closure is saved by
  /// name and must be registered (``Registry/register(loss:)``) before loading.
  public func save(to url: URL) throws {
    try checkLayerNames()
    var layerEntries: [ConfigurationValue] = []
    for layer in layers {
      guard let configurable = layer as? any Configurable else {
        throw StrataError(
          .invalidArgument,
          "save(to:): layer '\(layer.name)' (\(type(of: layer))) cannot be saved because it does not adopt `Configurable`: give it `var configuration` and `init(configuration:)` (see Writing a custom layer)."
        )
      }
      guard case .object(var entry) = Registry.reference(to: configurable) else { continue }
      entry["name"] = .string(layer.name)
      layerEntries.append(.object(entry))
    }
    guard let inputShape, isBuilt else {
      throw StrataError(
        .invalidState,
        "save(to:): model '\(name)' is not built yet; fit it or give its first layer an inputShape")
    }
    let modelConfiguration: Configuration = [
      "name": name, "seed": seed, "layers": ConfigurationValue.array(layerEntries),
    ]
    var description: Configuration = [
      "format": ModelFile.format, "version": ModelFile.version,
      "model": [
        "class_name": "Sequential", "config": modelConfiguration,
        "build_config": ["input_shape": inputShape] as Configuration,
      ] as Configuration,
    ]
    // The random streams as they are now, so that a loaded model's `fit` continues with the
    // same shuffles and dropout masks an uninterrupted one would draw. Hexadecimal strings: a
    // JSON number cannot hold 64 bits exactly.
    description["random_state"] = .object([
      "initializer": String(initializerGenerator.state, radix: 16),
      "shuffle": String(shuffleGenerator.state, radix: 16),
      "dropout": String(dropoutGenerator.state, radix: 16),
    ])
    var tensors = zip(weightNames, weights.map(\.value)).map { ($0, $1) }
    if let compiled {
      description["compile_config"] = .object([
        "optimizer": Registry.reference(to: compiled.optimizer),
        "loss": Registry.reference(to: compiled.loss),
        "metrics": ConfigurationValue.array(compiled.metrics.map { Registry.reference(to: $0) }),
        "weighted_metrics": ConfigurationValue.array(
          compiled.weightedMetrics.map { Registry.reference(to: $0) }),
        "loss_weights": compiled.lossWeight.configurationValue,
      ])
      let core = compiled.optimizer.core
      description["optimizer_state"] = .object([
        "iterations": core.iterations,
        "scalars": Configuration(core.scalars.mapValues(\.configurationValue)),
      ])
      for (weightName, weight) in zip(weightNames, weights) {
        for (index, slot) in compiled.optimizer.slots(for: weight).enumerated() {
          tensors.append(("optimizer/\(weightName)/\(index)", slot))
        }
      }
    }
    let json = try JSON.encode(.object(description))
    try writeSafetensors(tensors, metadata: ["strata_model": json], to: url)
  }

  /// Loads a model written by ``save(to:)``: it predicts bit for bit what the saved one did,
  /// and (with `compile`) `fit` continues from the saved optimizer state.
  ///
  /// It also opens the `.keras` files Keras 3 writes (`model.save("m.keras")`), recognised by
  /// their content: a `keras.Sequential` model of the layers Strata has, with its weights and
  /// (with `compile`) its compile configuration — optimizer and its arguments, loss, metrics;
  /// the optimizer starts afresh. A Keras layer, argument, optimizer, loss or metric Strata
  /// does not have is an error that names it.
  ///
  /// Everything is checked before it is used: an unknown type, a value of the wrong kind, a
  /// weight of the wrong shape or a slot that belongs to no weight throws a ``StrataError``
  /// of kind `.fileFormat` naming the file and what was wrong. Pass `compile: false` to skip the compile
  /// configuration (for instance when a custom loss is not registered).
  public static func load(from url: URL, compile: Bool = true) throws -> Sequential {
    let source = url.path
    let bytes: [UInt8]
    do { bytes = [UInt8](try Data(contentsOf: url)) } catch {
      throw StrataError(.fileFormat, "\(source): cannot be read (\(describe(error)))")
    }
    return try load(bytes: bytes, source: source, compile: compile)
  }

  /// ``load(from:compile:)`` for the bytes of a model file; `source` names it in errors.
  static func load(bytes: [UInt8], source: String, compile: Bool = true) throws -> Sequential {
    if ZipArchive.looksLikeArchive(bytes) {
      return try KerasModelFile(source: source).load(bytes: bytes, compile: compile)
    }
    if HDF5File.looksLikeHDF5(bytes) {
      throw StrataError(
        .fileFormat,
        "\(source): an HDF5 file, as Keras 2 saved whole models (.h5); Strata reads Keras 3 .keras files: in Python, `keras.models.load_model(\"m.h5\").save(\"m.keras\")` converts it"
      )
    }
    let (tensors, metadata) = try parseSafetensorsWithMetadata(bytes, source: source)
    guard let json = metadata["strata_model"] else {
      throw StrataError(
        .fileFormat,
        "\(source): not a Strata model file (no 'strata_model' metadata); use loadWeights(from:) for weights only"
      )
    }
    do {
      return try load(description: try JSON.decode(json), tensors: tensors, compile: compile)
    } catch let error as StrataError {
      // Whatever the reader of a value said, from a file it means a malformed file.
      throw StrataError(.fileFormat, "\(source): \(error.message)")
    }
  }

  private static func load(
    description value: ConfigurationValue, tensors: [String: Tensor], compile: Bool
  ) throws -> Sequential {
    let description = try Configuration(configurationValue: value)
    guard try description.value("format", default: "") == ModelFile.format else {
      throw StrataError(.fileFormat, "not a Strata model description")
    }
    let version: Int = try description.value("version")
    guard version == ModelFile.version else {
      throw StrataError(
        .fileFormat,
        "model description version \(version) is not supported (this Strata reads version \(ModelFile.version)\(version < ModelFile.version ? "; version 1 files were written before Strata 0.1.0" : ""))"
      )
    }
    let modelEntry = try description.nested("model")
    let configuration = try modelEntry.nested("config")
    let inputShape: [Int] = try modelEntry.nested("build_config").value("input_shape")
    try checkInputShape(inputShape)
    let model = Sequential(
      name: try configuration.value("name", default: "sequential"),
      seed: try configuration.value("seed", default: 0))
    let layerEntries: [ConfigurationValue] = try configuration.value("layers")
    var layers: [any Layer] = []
    for (index, entry) in layerEntries.enumerated() {
      do {
        let layer = try Registry.instantiate(entry, as: (any Layer).self, role: "a layer")
        layer.name = try Configuration(configurationValue: entry).value("name", default: "")
        layers.append(layer)
      } catch let error as StrataError {
        throw error.prefixed("layer \(index)")
      }
    }
    try Sequential.checkLayerNames(layers.filter { !$0.name.isEmpty }, modelName: model.name)
    try checkDeclaredWeights(of: layers, inputShape: inputShape, against: tensors)
    model.add(Input(shape: inputShape))
    for layer in layers { model.add(layer) }
    try model.build(inputShape: inputShape)
    let modelTensors = tensors.filter { !$0.key.hasPrefix("optimizer/") }
    try model.loadWeights(tensors: modelTensors, source: "weights")
    if let randomEntry = description["random_state"], randomEntry != .null {
      let streams = try Configuration(configurationValue: randomEntry)
      func state(_ key: String) throws -> RandomGenerator {
        let text: String = try streams.value(key)
        guard text.count <= 16, let value = UInt64(text, radix: 16) else {
          throw StrataError(
            .fileFormat, "random_state.\(key) is '\(text)', not a 64-bit hexadecimal state")
        }
        return RandomGenerator(seed: value)
      }
      model.initializerGenerator = try state("initializer")
      model.shuffleGenerator = try state("shuffle")
      model.dropoutGenerator = try state("dropout")
    }
    guard compile, let compileEntry = description["compile_config"], compileEntry != .null else {
      return model
    }
    try model.restoreCompilation(
      try Configuration(configurationValue: compileEntry),
      state: try description.value("optimizer_state", default: Configuration()),
      tensors: tensors)
    return model
  }

  /// Throws unless every dimension is positive and the per-sample size is plausible.
  private static func checkInputShape(_ shape: [Int]) throws {
    var size = 1
    for dimension in shape {
      let (product, overflow) = size.multipliedReportingOverflow(by: dimension)
      guard dimension > 0, !overflow, product <= ModelFile.maximumInputSize else {
        throw StrataError(.fileFormat, "implausible input shape \(shape)")
      }
      size = product
    }
  }

  /// Compares the weights each layer says it will create with the tensors in the file, before
  /// anything is built, so a damaged description cannot make the loader allocate more than
  /// the file holds.
  private static func checkDeclaredWeights(
    of layers: [any Layer], inputShape: [Int], against tensors: [String: Tensor]
  ) throws {
    var shape = inputShape
    for layer in layers {
      if let declared = try layer.weightShapes(forInputShape: shape) {
        for (weightName, weightShape) in declared.sorted(by: { $0.key < $1.key }) {
          let tensorName = "\(layer.name)/\(weightName)"
          guard let tensor = tensors[tensorName] else {
            throw StrataError(.fileFormat, "tensor '\(tensorName)' is missing")
          }
          guard tensor.shape == weightShape else {
            throw StrataError(
              .shapeMismatch,
              "tensor '\(tensorName)' has shape \(tensor.shape), the layer '\(layer.name)' (\(type(of: layer))) described in the file needs \(weightShape)"
            )
          }
        }
      }
      shape = try layer.outputShape(forInputShape: shape)
    }
  }

  /// Compiles a loaded model as saved and puts back the optimizer's state.
  private func restoreCompilation(
    _ entry: Configuration, state: Configuration, tensors: [String: Tensor]
  ) throws {
    let optimizer: any Optimizer
    let loss: any Loss
    var metrics: [any Metric] = []
    do {
      optimizer = try Registry.instantiate(
        try entry.value("optimizer"), as: (any Optimizer).self, role: "an optimizer")
    } catch let error as StrataError { throw error.prefixed("optimizer") }
    do {
      loss = try Registry.instantiate(try entry.value("loss"), as: (any Loss).self, role: "a loss")
    } catch let error as StrataError { throw error.prefixed("loss") }
    var weightedMetrics: [any Metric] = []
    for (key, role) in [("metrics", "metric"), ("weighted_metrics", "weighted metric")] {
      for (index, metricEntry) in try entry.value(key, default: [ConfigurationValue]())
        .enumerated()
      {
        do {
          let metric = try Registry.instantiate(
            metricEntry, as: (any Metric).self, role: "a \(role)")
          if key == "metrics" { metrics.append(metric) } else { weightedMetrics.append(metric) }
        } catch let error as StrataError { throw error.prefixed("\(role) \(index)") }
      }
    }
    let iterations: Int = try state.value("iterations", default: 0)
    guard (0...ModelFile.maximumIterations).contains(iterations) else {
      throw StrataError(
        .fileFormat,
        "optimizer_state: `iterations` must be in 0...\(ModelFile.maximumIterations). Received: \(iterations)"
      )
    }
    let scalarEntries = try state.value("scalars", default: Configuration())
    var scalars: [String: Float] = [:]
    for key in scalarEntries.keys {
      let value: Float = try scalarEntries.value(key)
      guard value.isFinite else {
        throw StrataError(
          .fileFormat, "optimizer_state: scalar `\(key)` must be finite. Received: \(value)")
      }
      scalars[key] = value
    }
    var slots: [[Tensor]] = []
    var used = Set<String>()
    for (weightName, weight) in zip(weightNames, weights) {
      var values: [Tensor] = []
      while let slot = tensors["optimizer/\(weightName)/\(values.count)"] {
        let slotName = "optimizer/\(weightName)/\(values.count)"
        guard slot.shape == weight.shape, slot.isFinite else {
          throw StrataError(
            .shapeMismatch,
            "optimizer slot '\(slotName)' has shape \(slot.shape) or holds NaN; expected finite values of shape \(weight.shape)"
          )
        }
        if values.count < optimizer.slotCount, optimizer.slotIsNonNegative(values.count),
          let index = slot.scalars.firstIndex(where: { $0 < 0 })
        {
          throw StrataError(
            .invalidData,
            "optimizer slot '\(slotName)' holds the negative value \(slot.scalars[index]) at flat index \(index); \(optimizer.name) keeps an average of squares there"
          )
        }
        used.insert(slotName)
        values.append(slot)
      }
      guard values.isEmpty || values.count == optimizer.stateSlotCount || !weight.isTrainable
      else {
        throw StrataError(
          .fileFormat,
          "weight '\(weightName)' has \(values.count) optimizer slots, \(optimizer.name) keeps \(optimizer.stateSlotCount)"
        )
      }
      slots.append(values)
    }
    if let stray = tensors.keys.filter({ $0.hasPrefix("optimizer/") && !used.contains($0) }).min() {
      throw StrataError(.fileFormat, "tensor '\(stray)' belongs to no weight of the model")
    }
    let trainable = Set(trainableWeights.map(\.id))
    let trainableSlots = zip(weights, slots).filter { trainable.contains($0.0.id) }
    optimizer.core.restoreState(
      iterations: iterations, scalars: scalars, slots: trainableSlots.map(\.1),
      for: trainableSlots.map(\.0))
    let lossWeight = try entry.lossWeight()
    self.compile(
      optimizer: optimizer, loss: loss, metrics: metrics, weightedMetrics: weightedMetrics,
      lossWeights: lossWeight)
  }
}
