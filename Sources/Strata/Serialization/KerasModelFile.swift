/// Reading Keras 3 `.keras` files into a ``Sequential`` model: the zip archive, its
/// `config.json` (the architecture and compile configuration) and `model.weights.h5` (the
/// weights, HDF5).
///
/// Keras's configuration uses the keys Strata's own ``Configurable`` types use, so each
/// Keras object (`{"module": "keras.layers", "class_name": "Dense", "config": {…}}`) becomes
/// the Strata object of that class. A Keras argument Strata does not have is accepted only at
/// the value that means "off" (`null`, `false`, or Keras's default for it, such as
/// `data_format: "channels_last"`); any other value is an error that names the argument, as
/// a Keras layer, optimizer, loss or metric Strata does not have is: nothing is skipped.
///
/// Weights are where Keras's saver puts them: `layers/<snake_case_class>[_N]/vars/<i>`, the
/// counter from the class name, recurrent layers' under `cell/vars`, `Bidirectional`'s under
/// `forward_layer/…` then `backward_layer/…`. The optimizer's state is not read: a loaded,
/// compiled model starts its optimizer afresh.
struct KerasModelFile {
  /// The file's name, for errors.
  let source: String
  /// Whether the archive's CRC-32s are checked (always, but for the fuzz target).
  var verifiesChecksums = true

  /// Keras layer classes Strata has (same names).
  static let layerTypes: Set<String> = [
    "AlphaDropout", "GaussianDropout", "GaussianNoise", "UnitNormalization",
    "AveragePooling1D", "AveragePooling2D", "BatchNormalization", "Bidirectional", "Conv1D",
    "Activation", "Conv2D", "Conv2DTranspose", "Dense", "Dropout", "Embedding", "Flatten", "GRU",
    "GlobalAveragePooling1D", "GlobalAveragePooling2D", "GlobalMaxPooling1D",
    "GlobalMaxPooling2D", "LSTM", "LayerNormalization", "Masking", "MaxPooling1D",
    "MaxPooling2D", "Reshape", "SimpleRNN", "SpatialDropout2D", "TimeDistributed",
    "UpSampling2D", "ZeroPadding2D",
  ]

  /// Keras optimizer classes Strata has (same names).
  static let optimizerTypes: Set<String> = [
    "SGD", "RMSprop", "Adam", "AdamW", "Adagrad", "Adadelta", "Adamax", "Nadam", "Lion", "Ftrl",
  ]

  /// Keras loss classes Strata has (same names), and Keras's string identifiers for them.
  static let lossTypes: [String: String] = {
    var types: [String: String] = [:]
    let classes = [
      "BinaryCrossentropy", "BinaryFocalCrossentropy", "CategoricalCrossentropy",
      "CategoricalFocalCrossentropy", "CategoricalHinge", "CosineSimilarity",
      "Hinge", "Huber", "KLDivergence", "LogCosh", "MeanAbsoluteError",
      "MeanAbsolutePercentageError", "MeanSquaredError", "MeanSquaredLogarithmicError",
      "Poisson", "SparseCategoricalCrossentropy", "SquaredHinge",
    ]
    for name in classes {
      types[name] = name
      types[snakeCase(name)] = name
    }
    let aliases = [
      "mse": "MeanSquaredError", "mae": "MeanAbsoluteError",
      "mape": "MeanAbsolutePercentageError", "msle": "MeanSquaredLogarithmicError",
      "kld": "KLDivergence", "kl_divergence": "KLDivergence", "huber": "Huber",
      "huber_loss": "Huber", "logcosh": "LogCosh", "log_cosh": "LogCosh",
      "binary_crossentropy": "BinaryCrossentropy",
      "categorical_crossentropy": "CategoricalCrossentropy",
      "sparse_categorical_crossentropy": "SparseCategoricalCrossentropy",
    ]
    types.merge(aliases) { _, alias in alias }
    return types
  }()

  /// Keras metric classes Strata has (same names), and Keras's string identifiers for them.
  static let metricTypes: [String: String] = {
    var types: [String: String] = [:]
    for name in [
      "Accuracy", "AUC", "BinaryAccuracy", "CategoricalAccuracy", "MeanIoU", "Precision", "R2Score",
      "Recall", "RootMeanSquaredError",
      "SparseCategoricalAccuracy", "SparseTopKCategoricalAccuracy", "TopKCategoricalAccuracy",
    ] {
      types[name] = name
      types[snakeCase(name)] = name
    }
    types["auc"] = "AUC"
    types["acc"] = "Accuracy"
    types["FBetaScore"] = "FBetaScore"
    types["F1Score"] = "FBetaScore"
    return types
  }()

  /// Keras's values, for arguments Strata does not have, at which the argument changes nothing.
  static let neutralValues: [String: ConfigurationValue] = [
    "data_format": .string("channels_last"), "renorm_momentum": .number(0.99),
    "ema_momentum": .number(0.99), "reduction": .string("sum_over_batch_size"),
    "curve": .string("ROC"), "summation_method": .string("interpolation"),
    "trainable": .bool(true), "axis": .integer(-1),
  ]

  /// Keras's default initializers for initializer arguments Strata does not have (its
  /// BatchNormalization starts at these).
  static let defaultInitializers: [String: String] = [
    "beta_initializer": "Zeros", "gamma_initializer": "Ones",
    "moving_mean_initializer": "Zeros", "moving_variance_initializer": "Ones",
  ]

  /// Keys that describe how Keras runs, not what the object computes: read and dropped.
  static let ignoredKeys: Set<String> = [
    "name", "registered_name", "shared_object_id", "unroll", "seed", "build_config",
  ]

  // MARK: Loading

  /// Builds the model a `.keras` archive holds.
  func load(bytes: [UInt8], compile: Bool) throws -> Sequential {
    let archive = try ZipArchive(
      bytes: bytes, source: source, verifiesChecksums: verifiesChecksums)
    let configuration: Configuration
    do {
      configuration = try Configuration(
        configurationValue: try JSON.decode(
          String(decoding: try archive.contents(of: "config.json"), as: UTF8.self)))
    } catch let error as StrataError {
      throw StrataError(.fileFormat, "\(source): config.json: \(error.message)")
    }
    let weights = try HDF5File(
      bytes: try archive.contents(of: "model.weights.h5"), source: "\(source): model.weights.h5")
    do {
      return try load(configuration: configuration, weights: weights, compile: compile)
    } catch let error as StrataError {
      throw StrataError(
        error.kind, error.message.hasPrefix(source) ? error.message : "\(source): \(error.message)")
    }
  }

  private func load(configuration: Configuration, weights: HDF5File, compile: Bool) throws
    -> Sequential
  {
    let className: String = try configuration.value("class_name")
    guard className == "Sequential" else {
      throw StrataError(
        .fileFormat,
        "the Keras model is a '\(className)' model; Strata loads Sequential models (keras.Sequential)"
      )
    }
    let modelConfiguration = try configuration.nested("config")
    try checkDataType(modelConfiguration, owner: "the model")
    var entries: [ConfigurationValue] = try modelConfiguration.value("layers")
    var inputShape: [Int?]?
    if let first = entries.first,
      try Configuration(configurationValue: first).value(
        "class_name", default: "") == "InputLayer"
    {
      let input = try Configuration(configurationValue: first).nested("config")
      try checkDataType(input, owner: "the input layer")
      for key in ["sparse", "ragged", "optional"] where try input.value(key, default: false) {
        throw StrataError(
          .fileFormat,
          "Keras argument '\(key)' of the input layer is true; Strata reads dense float32 inputs")
      }
      let batchShape: [Int?] = try input.value("batch_shape")
      inputShape = Array(batchShape.dropFirst())
      entries.removeFirst()
    } else if let built = modelConfiguration["build_input_shape"], built != .null {
      inputShape = Array(try [Int?](configurationValue: built).dropFirst())
    }
    guard let inputShape else {
      throw StrataError(
        .fileFormat,
        "the Keras model has no input shape (it was saved before it was built); build it in Keras (keras.Input or model.build) and save it again"
      )
    }
    guard !inputShape.isEmpty, inputShape.allSatisfy({ ($0 ?? 0) > 0 }) else {
      throw StrataError(
        .fileFormat,
        "the Keras model's input shape is \(inputShape.map { $0.map(String.init) ?? "None" }); Strata needs every dimension but the batch known and positive"
      )
    }
    let model = Sequential(name: try modelConfiguration.value("name", default: "sequential"))
    var layers: [any Layer] = []
    for (index, entry) in entries.enumerated() {
      do { layers.append(try layer(entry)) } catch let error as StrataError {
        throw error.prefixed("layer \(index + 1)")
      }
    }
    let shape = inputShape.map { $0! }
    model.add(Input(shape: shape))
    for layer in layers { model.add(layer) }
    try model.build(inputShape: shape)
    try loadWeights(into: layers, from: weights)
    // An uncompiled Keras model writes `"compile_config": {}` (older versions: null).
    if compile, let compileEntry = configuration["compile_config"], compileEntry != .null,
      compileEntry != .object(Configuration())
    {
      try self.compile(model, Configuration(configurationValue: compileEntry))
    }
    return model
  }

  // MARK: Objects

  /// The Strata layer a Keras layer entry describes, named as in Keras.
  private func layer(_ entry: ConfigurationValue) throws -> any Layer {
    let reference = try Configuration(configurationValue: entry)
    let className: String = try reference.value("class_name")
    let kerasConfiguration: Configuration = try reference.value("config", default: Configuration())
    let name: String = try kerasConfiguration.value("name", default: snakeCase(className))
    guard Self.layerTypes.contains(className) else {
      throw StrataError(
        .fileFormat, "Keras layer '\(className)' (\(name)) is not supported by Strata")
    }
    try checkDataType(kerasConfiguration, owner: "layer '\(name)'")
    var translated = kerasConfiguration
    for key in ["layer", "backward_layer"] {
      if let inner = kerasConfiguration[key], inner != .null {
        guard let wrapped = try layer(inner) as? any Configurable else { continue }
        translated[key] = Registry.reference(to: wrapped)
      }
    }
    let layer = try instantiate(
      className, configuration: translated, as: (any Layer).self, role: "a layer",
      owner: "layer '\(name)' (\(className))")
    layer.name = name
    return layer
  }

  /// Instantiates Strata's `typeName` from a Keras configuration and checks that every key
  /// Strata's type does not read has its neutral value.
  private func instantiate<T>(
    _ typeName: String, configuration: Configuration, as type: T.Type, role: String,
    owner: String
  ) throws -> T {
    var cleaned = Configuration()
    for key in configuration.keys where !Self.ignoredKeys.contains(key) && key != "dtype" {
      cleaned[key] = configuration[key]
    }
    let reference: Configuration = [
      "class_name": typeName, "module": "Strata", "config": cleaned,
    ]
    let object = try Registry.instantiate(.object(reference), as: type, role: role)
    let known = Set((object as? any Configurable)?.configuration.keys ?? [])
    for key in cleaned.keys.sorted() where !known.contains(key) {
      let value = cleaned[key] ?? .null
      if value == .null || value == .bool(false) || Self.neutralValues[key] == value { continue }
      if let expected = Self.defaultInitializers[key],
        case .object(let initializer) = value,
        try initializer.value("class_name", default: "") == expected
      {
        continue
      }
      throw StrataError(
        .fileFormat,
        "Keras argument '\(key)' of \(owner) is not supported by Strata (the file sets it to \(describe(value)))"
      )
    }
    return object
  }

  /// Throws unless a configuration's `dtype` is float32 (as a name or a `DTypePolicy`).
  private func checkDataType(_ configuration: Configuration, owner: String) throws {
    guard let value = configuration["dtype"], value != .null else { return }
    var name = "float32"
    if case .string(let text) = value {
      name = text
    } else {
      let policy = try Configuration(configurationValue: value)
      name = try policy.nested("config").value("name", default: "float32")
    }
    guard name == "float32" else {
      throw StrataError(
        .fileFormat,
        "\(owner) computes in '\(name)'; Strata computes in float32 (set the dtype policy to float32 in Keras before saving)"
      )
    }
  }

  private func describe(_ value: ConfigurationValue) -> String {
    (try? JSON.encode(value)) ?? "\(value)"
  }

  // MARK: Weights

  /// Keras's group of each layer's weights, and the weights in Keras's order.
  private func loadWeights(into layers: [any Layer], from file: HDF5File) throws {
    var counts: [String: Int] = [:]
    for layer in layers {
      let className = Self.kerasClassName(of: layer)
      let base = snakeCase(className)
      let count = counts[base, default: 0]
      counts[base] = count + 1
      let path = "layers/" + (count == 0 ? base : "\(base)_\(count)")
      var values: [Tensor] = []
      for group in Self.weightGroups(of: layer) {
        let groupPath = "\(path)/\(group.path)"
        guard try file.contains(groupPath) else {
          if layer.weights.isEmpty { continue }
          throw StrataError(
            .fileFormat,
            "model.weights.h5 has no group '\(groupPath)' for the weights of layer '\(layer.name)' (\(className))"
          )
        }
        let names = try file.memberNames(ofGroup: groupPath)
        let indices = names.compactMap(Int.init).sorted()
        guard indices.count == names.count, indices == Array(0..<indices.count) else {
          throw StrataError(
            .fileFormat,
            "model.weights.h5: '\(groupPath)' holds \(names), expected datasets named 0, 1, …")
        }
        for index in indices { values.append(try file.tensor(at: "\(groupPath)/\(index)")) }
      }
      do {
        try assignWeights(
          values, to: layer.weights, kind: "layer", owner: layer.name, weightName: \.name)
      } catch let error as StrataError {
        throw StrataError(
          .fileFormat, "model.weights.h5, '\(path)' for layer '\(layer.name)': \(error.message)")
      }
    }
  }

  /// The Keras class a Strata layer was read from (the same name).
  static func kerasClassName(of layer: any Layer) -> String {
    String(describing: type(of: layer))
  }

  /// Where a layer's weights sit under its group, and which of its weights each group holds,
  /// in the order Keras lists them.
  static func weightGroups(of layer: any Layer) -> [(path: String, weights: [Weight])] {
    switch layer {
    case let wrapper as Bidirectional:
      weightGroups(of: wrapper.forwardLayer).map { ("forward_layer/\($0.path)", $0.weights) }
        + weightGroups(of: wrapper.backwardLayer).map { ("backward_layer/\($0.path)", $0.weights) }
    case let wrapper as TimeDistributed:
      weightGroups(of: wrapper.layer).map { ("layer/\($0.path)", $0.weights) }
    case is any RecurrentLayer: [("cell/vars", layer.weights)]
    default: [("vars", layer.weights)]
    }
  }

  // MARK: Compilation

  private func compile(_ model: Sequential, _ entry: Configuration) throws {
    let optimizerEntry = try Configuration(configurationValue: try entry.value("optimizer"))
    let optimizerClass: String = try optimizerEntry.value("class_name")
    guard Self.optimizerTypes.contains(optimizerClass) else {
      throw StrataError(
        .fileFormat, "Keras optimizer '\(optimizerClass)' is not supported by Strata")
    }
    var optimizerConfiguration: Configuration = try optimizerEntry.value(
      "config", default: Configuration())
    if case .object(let schedule)? = optimizerConfiguration["learning_rate"] {
      var strataSchedule = schedule
      strataSchedule["module"] = .string("Strata")
      optimizerConfiguration["learning_rate"] = .object(strataSchedule)
    }
    let optimizer = try instantiate(
      optimizerClass, configuration: optimizerConfiguration, as: (any Optimizer).self,
      role: "an optimizer", owner: "optimizer '\(optimizerClass)'")
    let loss = try lossObject(try entry.value("loss"))
    var metricLists: [[any Metric]] = []
    for key in ["metrics", "weighted_metrics"] {
      let values = try entry.value(key, default: [ConfigurationValue]?.none) ?? []
      metricLists.append(try values.map(metricObject))
    }
    model.compile(
      optimizer: optimizer, loss: loss, metrics: metricLists[0], weightedMetrics: metricLists[1],
      lossWeights: try entry.lossWeight())
  }

  /// A loss given by Keras's string identifier, a serialized function or a class entry.
  private func lossObject(_ value: ConfigurationValue) throws -> any Loss {
    let (className, configuration) = try nameAndConfiguration(value)
    guard let typeName = Self.lossTypes[className] else {
      throw StrataError(.fileFormat, "Keras loss '\(className)' is not supported by Strata")
    }
    return try instantiate(
      typeName, configuration: configuration, as: (any Loss).self, role: "a loss",
      owner: "loss '\(className)'")
  }

  /// A metric given by Keras's string identifier or a class entry; a loss used as a metric
  /// (`"mse"`) becomes a ``LossMetric``.
  private func metricObject(_ value: ConfigurationValue) throws -> any Metric {
    let (className, configuration) = try nameAndConfiguration(value)
    if let typeName = Self.metricTypes[className] {
      return try instantiate(
        typeName, configuration: configuration, as: (any Metric).self, role: "a metric",
        owner: "metric '\(className)'")
    }
    if Self.lossTypes[className] != nil { return LossMetric(try lossObject(value)) }
    throw StrataError(.fileFormat, "Keras metric '\(className)' is not supported by Strata")
  }

  /// A Keras identifier (`"mse"`), function (`{"class_name": "function", "config": "mse"}`)
  /// or class entry, as a class name or identifier and its configuration.
  private func nameAndConfiguration(_ value: ConfigurationValue) throws -> (
    String, Configuration
  ) {
    if case .string(let identifier) = value { return (identifier, Configuration()) }
    let entry = try Configuration(configurationValue: value)
    let className: String = try entry.value("class_name")
    if className == "function", case .string(let identifier)? = entry["config"] {
      return (identifier, Configuration())
    }
    return (className, try entry.value("config", default: Configuration()))
  }
}
