import Foundation

/// Saving a whole model — architecture, compile configuration, weights and optimizer state —
/// in one safetensors file. The architecture and configuration are JSON in the file's
/// `__metadata__` (key `strata_model`); weights are named `dense/kernel`, …; optimizer slots
/// `optimizer/dense/kernel/0`, …
///
/// Custom layers and activations are saved by name and must be registered to be loaded:
/// ``ModelRegistry/register(layer:_:)`` and ``ModelRegistry/register(activation:)``.
public enum ModelRegistry {
  private static let lock = NSLock()
  nonisolated(unsafe) private static var layers: [String: ([String: Any]) throws -> any Layer] = [:]
  nonisolated(unsafe) private static var activations: [String: ActivationFunction] = [:]

  /// Makes a custom layer type loadable: `make` builds a layer from the configuration its
  /// ``SerializableLayer/configuration`` saved.
  public static func register(
    layer typeName: String, _ make: @escaping ([String: Any]) throws -> any Layer
  ) {
    lock.withLock { layers[typeName] = make }
  }

  /// Makes a custom activation (``ActivationFunction/custom(name:_:)``) loadable by its name.
  public static func register(activation: ActivationFunction) {
    lock.withLock { activations[activation.name] = activation }
  }

  static func layerMaker(_ name: String) -> (([String: Any]) throws -> any Layer)? {
    lock.withLock { layers[name] }
  }
  static func activation(_ name: String) -> ActivationFunction? {
    lock.withLock { activations[name] }
  }
}

/// A custom layer that can be saved: its configuration must be JSON-compatible (numbers,
/// strings, booleans, arrays and dictionaries of them).
public protocol SerializableLayer: Layer {
  /// The arguments needed to rebuild the layer (its weights are saved separately).
  var configuration: [String: Any] { get }
}

extension ActivationFunction {
  var configuration: [String: Any] {
    switch elementwise {
    case .elu(let alpha): return ["name": name, "alpha": alpha]
    case .leakyRelu(let alpha): return ["name": name, "alpha": alpha]
    case .gelu(let approximate): return ["name": name, "approximate": approximate]
    default: return ["name": name]
    }
  }

  static func from(_ configuration: Any?, source: String) throws -> ActivationFunction {
    guard let configuration = configuration as? [String: Any],
      let name = configuration["name"] as? String
    else {
      throw StrataError(
        .fileFormat, "\(source): malformed activation \(String(describing: configuration))")
    }
    let alpha = (configuration["alpha"] as? NSNumber)?.floatValue
    switch name {
    case "linear": return .linear
    case "relu": return .relu
    case "sigmoid": return .sigmoid
    case "tanh": return .tanh
    case "softmax": return .softmax
    case "softplus": return .softplus
    case "selu": return .selu
    case "swish": return .swish
    case "elu": return .elu(alpha: alpha ?? 1)
    case "leaky_relu": return .leakyRelu(alpha: alpha ?? 0.2)
    case "gelu": return .gelu(approximate: configuration["approximate"] as? Bool ?? false)
    default:
      if let registered = ModelRegistry.activation(name) { return registered }
      throw StrataError(
        .fileFormat,
        "\(source): unknown activation '\(name)'; register custom activations with ModelRegistry.register(activation:) before loading"
      )
    }
  }
}

private func regularizerConfiguration(_ regularizer: Regularizer?) -> Any {
  regularizer.map { ["l1": $0.l1, "l2": $0.l2] as [String: Any] } ?? NSNull()
}

private func regularizer(from value: Any?) -> Regularizer? {
  guard let value = value as? [String: Any] else { return nil }
  return .l1l2(
    l1: (value["l1"] as? NSNumber)?.floatValue ?? 0, l2: (value["l2"] as? NSNumber)?.floatValue ?? 0
  )
}

extension Sequential {
  /// The JSON description of one layer.
  func layerConfiguration(_ layer: any Layer) throws -> [String: Any] {
    var entry: [String: Any] = ["name": layer.name]
    switch layer {
    case let dense as Dense:
      entry["class"] = "Dense"
      entry["config"] = [
        "units": dense.units, "activation": dense.activation.configuration,
        "useBias": dense.useBias,
        "regularizer": regularizerConfiguration(dense.regularizer),
        "biasRegularizer": regularizerConfiguration(dense.biasRegularizer),
      ]
    case let dropout as Dropout:
      entry["class"] = "Dropout"
      entry["config"] = [
        "rate": dropout.rate, "seed": dropout.seed.map { NSNumber(value: $0) } ?? NSNull(),
      ]
    case let norm as BatchNormalization:
      entry["class"] = "BatchNormalization"
      entry["config"] = [
        "momentum": norm.momentum, "epsilon": norm.epsilon, "center": norm.center,
        "scale": norm.scale,
      ]
    case is Flatten:
      entry["class"] = "Flatten"
      entry["config"] = [String: Any]()
    case let activation as Activation:
      entry["class"] = "Activation"
      entry["config"] = ["activation": activation.activation.configuration]
    case let custom as any SerializableLayer:
      entry["class"] = String(describing: type(of: custom))
      entry["config"] = custom.configuration
    default:
      throw StrataError(
        .invalidArgument,
        "Layer '\(layer.name)' (\(type(of: layer))) cannot be saved: adopt SerializableLayer and register it with ModelRegistry.register(layer:_:)"
      )
    }
    return entry
  }

  static func makeLayer(_ entry: [String: Any], source: String) throws -> any Layer {
    guard let className = entry["class"] as? String, let config = entry["config"] as? [String: Any]
    else {
      throw StrataError(.fileFormat, "\(source): malformed layer entry \(entry)")
    }
    let name = entry["name"] as? String ?? ""
    func number(_ key: String) throws -> Float {
      guard let value = config[key] as? NSNumber else {
        throw StrataError(.fileFormat, "\(source): layer '\(name)' (\(className)) lacks '\(key)'")
      }
      return value.floatValue
    }
    switch className {
    case "Dense":
      return Dense(
        units: Int(try number("units")),
        activation: try ActivationFunction.from(config["activation"], source: source),
        useBias: config["useBias"] as? Bool ?? true,
        regularizer: regularizer(from: config["regularizer"]),
        biasRegularizer: regularizer(from: config["biasRegularizer"]), name: name)
    case "Dropout":
      return Dropout(
        rate: try number("rate"), seed: (config["seed"] as? NSNumber)?.uint64Value, name: name)
    case "BatchNormalization":
      return BatchNormalization(
        momentum: try number("momentum"), epsilon: try number("epsilon"),
        center: config["center"] as? Bool ?? true,
        scale: config["scale"] as? Bool ?? true, name: name)
    case "Flatten":
      return Flatten(name: name)
    case "Activation":
      return Activation(
        try ActivationFunction.from(config["activation"], source: source), name: name)
    default:
      guard let make = ModelRegistry.layerMaker(className) else {
        throw StrataError(
          .fileFormat,
          "\(source): unknown layer type '\(className)'; register it with ModelRegistry.register(layer:_:) before loading"
        )
      }
      let layer = try make(config)
      layer.name = name
      return layer
    }
  }

  static func optimizerConfiguration(_ optimizer: Optimizer) -> [String: Any] {
    var config: [String: Any] = ["learningRate": optimizer.learningRate, "decay": optimizer.decay]
    for (key, value) in [
      ("clipNorm", optimizer.clipNorm), ("clipValue", optimizer.clipValue),
      ("globalClipNorm", optimizer.globalClipNorm),
      ("weightDecay", optimizer.weightDecay),
    ] {
      if let value { config[key] = value }
    }
    var className = String(describing: type(of: optimizer))
    switch optimizer {
    case let o as SGD: config.merge(["momentum": o.momentum, "nesterov": o.nesterov]) { $1 }
    case let o as RMSprop:
      config.merge([
        "rho": o.rho, "momentum": o.momentum, "epsilon": o.epsilon, "centered": o.centered,
      ]) { $1 }
    case let o as Adagrad:
      config.merge(["initialAccumulatorValue": o.initialAccumulatorValue, "epsilon": o.epsilon]) {
        $1
      }
    case let o as Adadelta: config.merge(["rho": o.rho, "epsilon": o.epsilon]) { $1 }
    case let o as Adam:
      config.merge(["beta1": o.beta1, "beta2": o.beta2, "epsilon": o.epsilon, "amsgrad": o.amsgrad])
      { $1 }
    case let o as Adamax:
      config.merge(["beta1": o.beta1, "beta2": o.beta2, "epsilon": o.epsilon]) { $1 }
    case let o as Nadam:
      config.merge([
        "beta1": o.beta1, "beta2": o.beta2, "epsilon": o.epsilon,
        "momentumProduct": o.momentumProduct,
      ]) { $1 }
    default: className = "unsupported"
    }
    return ["class": className, "config": config, "iterations": optimizer.iterations]
  }

  static func makeOptimizer(_ entry: [String: Any], source: String) throws -> Optimizer {
    guard let className = entry["class"] as? String, let c = entry["config"] as? [String: Any]
    else {
      throw StrataError(.fileFormat, "\(source): malformed optimizer entry")
    }
    func f(_ key: String, _ fallback: Float) -> Float {
      (c[key] as? NSNumber)?.floatValue ?? fallback
    }
    func optional(_ key: String) -> Float? { (c[key] as? NSNumber)?.floatValue }
    func b(_ key: String) -> Bool { c[key] as? Bool ?? false }
    let lr = f("learningRate", 0.001)
    let (clipNorm, clipValue, globalClipNorm, weightDecay, decay) =
      (
        optional("clipNorm"), optional("clipValue"), optional("globalClipNorm"),
        optional("weightDecay"), f("decay", 0)
      )
    let optimizer: Optimizer
    switch className {
    case "SGD":
      optimizer = SGD(
        learningRate: lr, momentum: f("momentum", 0), nesterov: b("nesterov"), clipNorm: clipNorm,
        clipValue: clipValue,
        globalClipNorm: globalClipNorm, weightDecay: weightDecay, decay: decay)
    case "RMSprop":
      optimizer = RMSprop(
        learningRate: lr, rho: f("rho", 0.9), momentum: f("momentum", 0),
        epsilon: f("epsilon", 1e-7),
        centered: b("centered"), clipNorm: clipNorm, clipValue: clipValue,
        globalClipNorm: globalClipNorm,
        weightDecay: weightDecay, decay: decay)
    case "Adagrad":
      optimizer = Adagrad(
        learningRate: lr, initialAccumulatorValue: f("initialAccumulatorValue", 0.1),
        epsilon: f("epsilon", 1e-7),
        clipNorm: clipNorm, clipValue: clipValue, globalClipNorm: globalClipNorm,
        weightDecay: weightDecay, decay: decay)
    case "Adadelta":
      optimizer = Adadelta(
        learningRate: lr, rho: f("rho", 0.95), epsilon: f("epsilon", 1e-7), clipNorm: clipNorm,
        clipValue: clipValue,
        globalClipNorm: globalClipNorm, weightDecay: weightDecay, decay: decay)
    case "Adam":
      optimizer = Adam(
        learningRate: lr, beta1: f("beta1", 0.9), beta2: f("beta2", 0.999),
        epsilon: f("epsilon", 1e-7),
        amsgrad: b("amsgrad"), clipNorm: clipNorm, clipValue: clipValue,
        globalClipNorm: globalClipNorm,
        weightDecay: weightDecay, decay: decay)
    case "AdamW":
      optimizer = AdamW(
        learningRate: lr, weightDecay: weightDecay ?? 0.004, beta1: f("beta1", 0.9),
        beta2: f("beta2", 0.999),
        epsilon: f("epsilon", 1e-7), amsgrad: b("amsgrad"), clipNorm: clipNorm,
        clipValue: clipValue,
        globalClipNorm: globalClipNorm, decay: decay)
    case "Adamax":
      optimizer = Adamax(
        learningRate: lr, beta1: f("beta1", 0.9), beta2: f("beta2", 0.999),
        epsilon: f("epsilon", 1e-7),
        clipNorm: clipNorm, clipValue: clipValue, globalClipNorm: globalClipNorm,
        weightDecay: weightDecay, decay: decay)
    case "Nadam":
      let nadam = Nadam(
        learningRate: lr, beta1: f("beta1", 0.9), beta2: f("beta2", 0.999),
        epsilon: f("epsilon", 1e-7),
        clipNorm: clipNorm, clipValue: clipValue, globalClipNorm: globalClipNorm,
        weightDecay: weightDecay, decay: decay)
      nadam.momentumProduct = f("momentumProduct", 1)
      optimizer = nadam
    default:
      throw StrataError(.fileFormat, "\(source): unknown optimizer '\(className)'")
    }
    optimizer.iterations = (entry["iterations"] as? NSNumber)?.intValue ?? 0
    return optimizer
  }

  static func makeLoss(_ entry: [String: Any], source: String) throws -> Loss {
    let name = entry["name"] as? String ?? ""
    let fromLogits = entry["fromLogits"] as? Bool ?? false
    let parameters = entry["parameters"] as? [String: Any] ?? [:]
    func p(_ key: String, _ fallback: Float) -> Float {
      (parameters[key] as? NSNumber)?.floatValue ?? fallback
    }
    switch name {
    case "binary_crossentropy":
      return .binaryCrossentropy(fromLogits: fromLogits, labelSmoothing: p("labelSmoothing", 0))
    case "categorical_crossentropy":
      return .categoricalCrossentropy(
        fromLogits: fromLogits, labelSmoothing: p("labelSmoothing", 0))
    case "sparse_categorical_crossentropy":
      return .sparseCategoricalCrossentropy(fromLogits: fromLogits)
    case "mean_squared_error": return .meanSquaredError
    case "mean_absolute_error": return .meanAbsoluteError
    case "huber_loss": return .huber(delta: p("delta", 1))
    case "hinge": return .hinge
    case "kl_divergence": return .kullbackLeiblerDivergence
    default: throw StrataError(.fileFormat, "\(source): unknown loss '\(name)'")
    }
  }

  static let builtInMetrics: [String: Metric] = [
    "accuracy": .accuracy, "binary_accuracy": .binaryAccuracy,
    "categorical_accuracy": .categoricalAccuracy,
    "sparse_categorical_accuracy": .sparseCategoricalAccuracy,
    "top_k_categorical_accuracy": .topKCategoricalAccuracy,
    "precision": .precision, "recall": .recall, "auc": .auc,
    "mean_squared_error": .meanSquaredError,
    "mean_absolute_error": .meanAbsoluteError, "binary_crossentropy": .binaryCrossentropy,
    "categorical_crossentropy": .categoricalCrossentropy,
    "sparse_categorical_crossentropy": .sparseCategoricalCrossentropy,
  ]

  /// Saves the whole model to one file: layers, compile configuration (optimizer with its
  /// state, loss, metrics) and weights; written atomically. Custom layers must adopt
  /// ``SerializableLayer``; a model compiled with a custom loss or metric is saved without its
  /// compile configuration (compile it again after loading).
  public func save(to url: URL) throws {
    guard let inputShape, isBuilt else {
      throw StrataError(
        .invalidState,
        "save(to:): model '\(name)' is not built yet; fit it or give its first layer an inputShape")
    }
    var description: [String: Any] = [
      "format": "strata-model", "version": 1, "name": name, "seed": NSNumber(value: seed),
      "inputShape": inputShape,
      "layers": try layers.map(layerConfiguration),
    ]
    var extra: [(String, Tensor)] = []
    if let compiled, compiled.loss.isBuiltIn,
      compiled.metrics.allSatisfy({ Sequential.builtInMetrics[$0.name] != nil }),
      Sequential.optimizerConfiguration(compiled.optimizer)["class"] as? String != "unsupported"
    {
      description["compile"] = [
        "optimizer": Sequential.optimizerConfiguration(compiled.optimizer),
        "loss": [
          "name": compiled.loss.name, "fromLogits": compiled.loss.fromLogits,
          "parameters": compiled.loss.parameters,
        ],
        "metrics": compiled.metrics.map(\.name),
      ]
      for (weightName, weight) in zip(weightNames, weights) {
        for (index, slot) in compiled.optimizer.slots(for: weight).enumerated() {
          extra.append(("optimizer/\(weightName)/\(index)", slot))
        }
      }
    }
    let json = String(
      decoding: try JSONSerialization.data(withJSONObject: description, options: [.sortedKeys]),
      as: UTF8.self)
    try writeSafetensors(
      zip(weightNames, weights.map(\.value)).map { ($0, $1) } + extra,
      metadata: ["strata_model": json], to: url)
  }

  /// Loads a model written by ``save(to:)``: it predicts bit for bit what the saved one did,
  /// and `fit` continues from the saved optimizer state.
  public static func load(from url: URL) throws -> Sequential {
    let source = url.path
    let bytes: [UInt8]
    do { bytes = [UInt8](try Data(contentsOf: url)) } catch {
      throw StrataError(.fileFormat, "\(source): cannot be read (\(describe(error)))")
    }
    let (tensors, metadata) = try parseSafetensorsWithMetadata(bytes, source: source)
    guard let json = metadata["strata_model"],
      let description = try? JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any],
      description["format"] as? String == "strata-model"
    else {
      throw StrataError(
        .fileFormat,
        "\(source): not a Strata model file (no 'strata_model' metadata); use loadWeights(from:) for weights only"
      )
    }
    guard let inputShape = description["inputShape"] as? [Int],
      let layerEntries = description["layers"] as? [[String: Any]]
    else {
      throw StrataError(
        .fileFormat, "\(source): the model description lacks its input shape or layers")
    }
    let model = Sequential(
      name: description["name"] as? String ?? "sequential",
      seed: (description["seed"] as? NSNumber)?.uint64Value ?? 0)
    guard inputShape.allSatisfy({ $0 > 0 }), inputShape.reduce(1, *) <= 1 << 28 else {
      throw StrataError(.fileFormat, "\(source): implausible input shape \(inputShape)")
    }
    let layers = try layerEntries.map { try makeLayer($0, source: source) }
    // Check sizes against the stored tensors before building allocates anything.
    for case let dense as Dense in layers {
      guard let kernel = tensors["\(dense.name)/kernel"], kernel.rank == 2,
        kernel.shape[1] == dense.units
      else {
        throw StrataError(
          .fileFormat,
          "\(source): layer '\(dense.name)' (Dense, \(dense.units) units) has no matching 'kernel' tensor"
        )
      }
    }
    model.add(Input(shape: inputShape))
    for layer in layers { model.add(layer) }
    try model.build(inputShape: inputShape)
    let modelTensors = tensors.filter { !$0.key.hasPrefix("optimizer/") }
    try model.loadWeights(tensors: modelTensors, source: source)
    if let compile = description["compile"] as? [String: Any],
      let optimizerEntry = compile["optimizer"] as? [String: Any],
      let lossEntry = compile["loss"] as? [String: Any]
    {
      let optimizer = try makeOptimizer(optimizerEntry, source: source)
      let metrics = try (compile["metrics"] as? [String] ?? []).map { name -> Metric in
        guard let metric = builtInMetrics[name] else {
          throw StrataError(.fileFormat, "\(source): unknown metric '\(name)'")
        }
        return metric
      }
      for (weightName, weight) in zip(model.weightNames, model.weights) {
        var slots: [Tensor] = []
        while let slot = tensors["optimizer/\(weightName)/\(slots.count)"] {
          guard slot.shape == weight.shape else {
            throw StrataError(
              .shapeMismatch,
              "\(source): optimizer slot 'optimizer/\(weightName)/\(slots.count)' has shape \(slot.shape), expected \(weight.shape)"
            )
          }
          slots.append(slot)
        }
        if !slots.isEmpty { optimizer.restoreSlots(slots, for: weight) }
      }
      model.compile(
        optimizer: optimizer, loss: try makeLoss(lossEntry, source: source), metrics: metrics)
    }
    return model
  }
}
