import Foundation

/// The file formats ``Sequential/save(to:format:)`` writes.
public enum ModelFileFormat: String, Sendable {
  /// Strata's own model file: safetensors with the description as metadata, including the
  /// optimizer's state (``Sequential/save(to:)``).
  case strata
  /// A Keras 3 `.keras` archive that `keras.models.load_model` opens: `config.json`,
  /// `metadata.json` and the weights in `model.weights.h5`.
  case keras
}

extension Sequential {
  /// Saves the model in `format`: ``ModelFileFormat/strata`` as ``save(to:)`` does, or
  /// ``ModelFileFormat/keras`` as a `.keras` file for Keras 3 (`keras.models.load_model`).
  ///
  /// A Keras file holds the layers (with Keras's names and arguments), the weights and the
  /// compile configuration, not the optimizer's state: Keras starts its optimizer afresh, and
  /// says so with a warning. A layer, activation, loss or metric Keras does not have (a custom
  /// one, or a metric with no Keras class such as a Huber-loss metric) is a ``StrataError``
  /// naming it, before anything is written; the file is written atomically.
  public func save(to url: URL, format: ModelFileFormat) throws {
    switch format {
    case .strata: try save(to: url)
    case .keras:
      let bytes = try KerasModelWriter(model: self).archive()
      try writeAtomically(Data(bytes), to: url)
    }
  }
}

/// Builds the `.keras` archive of a built model.
struct KerasModelWriter {
  let model: Sequential

  /// The archive's bytes: `metadata.json`, `config.json`, `model.weights.h5`, as Keras orders
  /// them.
  func archive() throws -> [UInt8] {
    try model.checkLayerNames()
    guard model.isBuilt, let inputShape = model.inputShape else {
      throw StrataError(
        .invalidState,
        "save(to:format: .keras): model '\(model.name)' is not built yet; fit it or give its first layer an inputShape"
      )
    }
    let batchShape: ConfigurationValue = .array([.null] + inputShape.map { .integer($0) })
    var layers: [ConfigurationValue] = [
      .object([
        "module": "keras.layers", "class_name": "InputLayer",
        "registered_name": ConfigurationValue.null,
        "config": [
          "batch_shape": batchShape, "dtype": "float32", "sparse": false, "name": "input_layer",
        ] as Configuration,
      ])
    ]
    var weights = HDF5Writer()
    var counts: [String: Int] = [:]
    var shape = inputShape
    for layer in model.layers {
      do {
        layers.append(try entry(for: layer, inputShape: shape))
      } catch let error as StrataError {
        throw error.prefixed("save(to:format: .keras): layer '\(layer.name)'")
      }
      let className = KerasModelFile.kerasClassName(of: layer)
      let base = snakeCase(className)
      let count = counts[base, default: 0]
      counts[base] = count + 1
      let path = "layers/" + (count == 0 ? base : "\(base)_\(count)")
      for group in KerasModelFile.weightGroups(of: layer) {
        weights.addGroup(at: "\(path)/\(group.path)")
        for (index, weight) in group.weights.enumerated() {
          weights.add(weight.value, at: "\(path)/\(group.path)/\(index)")
        }
      }
      shape = try layer.outputShape(forInputShape: shape)
    }
    weights.addGroup(at: "vars")
    var description: Configuration = [
      "module": "keras", "class_name": "Sequential", "registered_name": ConfigurationValue.null,
      "config": [
        "name": model.name, "trainable": true, "dtype": "float32",
        "layers": ConfigurationValue.array(layers),
      ] as Configuration,
      "build_config": ["input_shape": batchShape] as Configuration,
    ]
    if let compiled = model.compiled {
      description["compile_config"] = .object(try compileConfiguration(compiled))
    }
    let metadata: Configuration = [
      "keras_version": "3.15.1", "date_saved": Self.dateSaved(), "producer": "Strata",
    ]
    return try ZipArchive.stored([
      ("metadata.json", Array(try JSON.encode(.object(metadata)).utf8)),
      ("config.json", Array(try JSON.encode(.object(description)).utf8)),
      ("model.weights.h5", weights.bytes()),
    ])
  }

  /// Keras's `date_saved`: `2026-12-02@13:31:36`, UTC.
  private static func dateSaved() -> String {
    let formatter = DateFormatter()
    formatter.locale = Locale(identifier: "en_US_POSIX")
    formatter.timeZone = TimeZone(identifier: "UTC")
    formatter.dateFormat = "yyyy-MM-dd@HH:mm:ss"
    return formatter.string(from: Date())
  }

  /// A layer's Keras entry: class, module, configuration with name, trainable and dtype, and
  /// the build configuration Keras builds it from before loading its weights.
  private func entry(for layer: any Layer, inputShape: [Int]?, defaultName: String = "") throws
    -> ConfigurationValue
  {
    let className = KerasModelFile.kerasClassName(of: layer)
    guard KerasModelFile.layerTypes.contains(className),
      let configurable = layer as? any Configurable
    else {
      throw StrataError(
        .invalidArgument, "\(type(of: layer)) has no Keras equivalent that Strata writes")
    }
    var configuration = configurable.configuration
    // A wrapper's layers as Keras entries of their own, named as Keras names them.
    if let wrapper = layer as? Bidirectional {
      configuration["layer"] = try entry(
        for: wrapper.forwardLayer, inputShape: nil, defaultName: "forward_")
      configuration["backward_layer"] = try entry(
        for: wrapper.backwardLayer, inputShape: nil, defaultName: "backward_")
    } else if let wrapper = layer as? TimeDistributed {
      configuration["layer"] = try entry(for: wrapper.layer, inputShape: nil, defaultName: "")
    }
    configuration = try kerasActivations(configuration)
    configuration["name"] = .string(
      layer.name.isEmpty ? defaultName + snakeCase(className) : layer.name)
    configuration["trainable"] = .bool(true)
    configuration["dtype"] = .string("float32")
    var entry: Configuration = [
      "module": "keras.layers", "class_name": className, "config": configuration,
      "registered_name": ConfigurationValue.null,
    ]
    if let inputShape {
      entry["build_config"] = .object([
        "input_shape": ConfigurationValue.array([.null] + inputShape.map { .integer($0) })
      ])
    }
    return .object(entry)
  }

  /// The configuration with every activation as the string Keras names it by; an activation
  /// whose arguments differ from Keras's function defaults (`leaky_relu` with an alpha other
  /// than 0.2) has no such name and throws.
  private func kerasActivations(_ configuration: Configuration) throws -> Configuration {
    var result = configuration
    for key in ["activation", "recurrent_activation"] {
      guard let value = configuration[key] else { continue }
      let function = try ActivationFunction(configurationValue: value)
      guard ActivationFunction.builtInMakers[function.name] != nil,
        let plain = try? ActivationFunction(configurationValue: .string(function.name)),
        plain == function
      else {
        throw StrataError(
          .invalidArgument,
          "activation \((try? JSON.encode(value)) ?? "\(value)") has no Keras equivalent that Strata writes (Keras names activations by string, with its default arguments)"
        )
      }
      result[key] = .string(function.name)
    }
    return result
  }

  /// The object a Strata reference names, as Keras's `{"module", "class_name", "config"}`.
  private func kerasReference(_ object: any Configurable, module: String) -> ConfigurationValue {
    guard case .object(var reference) = Registry.reference(to: object) else { return .null }
    reference["module"] = .string(module)
    reference["registered_name"] = .null
    return .object(reference)
  }

  private func compileConfiguration(_ compiled: CompiledConfiguration) throws -> Configuration {
    let optimizerClass = String(describing: type(of: compiled.optimizer))
    guard KerasModelFile.optimizerTypes.contains(optimizerClass) else {
      throw StrataError(
        .invalidArgument,
        "save(to:format: .keras): optimizer \(optimizerClass) has no Keras equivalent")
    }
    guard
      case .object(var optimizer) = kerasReference(compiled.optimizer, module: "keras.optimizers"),
      var optimizerConfiguration = optimizer["config"].flatMap({
        try? Configuration(configurationValue: $0)
      })
    else {
      throw StrataError(
        .invalidArgument, "save(to:format: .keras): the optimizer has no configuration")
    }
    if optimizerConfiguration["decay"] == .null || optimizerConfiguration["decay"] == .number(0) {
      optimizerConfiguration["decay"] = nil
    }
    if case .object(var schedule)? = optimizerConfiguration["learning_rate"] {
      schedule["module"] = .string("keras.optimizers.schedules")
      schedule["registered_name"] = .null
      optimizerConfiguration["learning_rate"] = .object(schedule)
    }
    optimizer["config"] = .object(optimizerConfiguration)
    let lossClass = String(describing: type(of: compiled.loss))
    guard KerasModelFile.lossTypes[lossClass] == lossClass else {
      throw StrataError(
        .invalidArgument,
        "save(to:format: .keras): loss '\(compiled.loss.name)' has no Keras equivalent")
    }
    return [
      "optimizer": ConfigurationValue.object(optimizer),
      "loss": kerasReference(compiled.loss, module: "keras.losses"),
      "loss_weights": compiled.lossWeight.configurationValue,
      "metrics": ConfigurationValue.array(try compiled.metrics.map(metric)),
      "weighted_metrics": compiled.weightedMetrics.isEmpty
        ? ConfigurationValue.null : .array(try compiled.weightedMetrics.map(metric)),
      "run_eagerly": false, "steps_per_execution": 1, "jit_compile": false,
    ]
  }

  /// Keras's metric for a Strata metric: `"accuracy"` for ``Accuracy`` (which Keras resolves
  /// by shapes, as Strata does), the class of the same name otherwise; a ``LossMetric`` as
  /// Keras's metric class of that loss.
  private func metric(_ metric: any Metric) throws -> ConfigurationValue {
    if metric is Accuracy { return .string("accuracy") }
    if let lossMetric = metric as? LossMetric {
      let loss = lossMetric.loss
      let className = String(describing: type(of: lossMetric.loss))
      let kerasNames = [
        "BinaryCrossentropy", "CategoricalCrossentropy", "SparseCategoricalCrossentropy",
        "MeanSquaredError", "MeanAbsoluteError", "MeanAbsolutePercentageError",
        "MeanSquaredLogarithmicError", "KLDivergence", "Poisson", "Hinge", "SquaredHinge",
        "CategoricalHinge", "CosineSimilarity", "LogCosh",
      ]
      if kerasNames.contains(className),
        case .object(var reference) = kerasReference(loss, module: "keras.metrics")
      {
        reference["class_name"] = .string(className == "LogCosh" ? "LogCoshError" : className)
        return .object(reference)
      }
    }
    if let score = metric as? FBetaScore, score.beta == 1,
      case .object(var reference) = kerasReference(score, module: "keras.metrics"),
      case .object(var configuration)? = reference["config"]
    {
      // Keras's F1Score takes no `beta`.
      configuration["beta"] = nil
      reference["class_name"] = .string("F1Score")
      reference["config"] = .object(configuration)
      return .object(reference)
    }
    let className = String(describing: type(of: metric))
    guard KerasModelFile.metricTypes[className] == className else {
      throw StrataError(
        .invalidArgument, "save(to:format: .keras): metric '\(metric.name)' has no Keras equivalent"
      )
    }
    return kerasReference(metric, module: "keras.metrics")
  }
}
