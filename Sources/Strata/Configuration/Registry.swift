/// Where a saved model's objects are found again, as Keras's `register_keras_serializable` and
/// `custom_objects` — one registry for Strata's own types and yours.
///
/// A ``Configurable`` type is saved as its module and type name beside its configuration:
///
/// ```json
/// {"class_name": "Dense", "module": "Strata", "config": {"units": 10, …}}
/// ```
///
/// Loading looks the name up among registered types first, then asks the Swift runtime for the
/// type of that name; either way it must adopt ``Configurable`` and the role it is loaded for
/// (a layer, an optimizer, …). So `Dense`, and a public or internal type of your own module,
/// load without any call here. Register a type with ``register(_:)`` when the runtime cannot
/// find it by name (a type declared inside a function, or a private one).
///
/// Values that are not types of their own — activations, initializers and regularizers, which
/// Keras also names by string, and the losses and metrics you write as closures — are found by
/// name in tables: Strata's built-ins fill them when the registry is first used, in exactly the
/// way ``register(activation:)``, ``register(loss:)`` and ``register(metric:)`` add yours.
public enum Registry {
  /// Rebuilds a value from its configuration.
  typealias Maker<Value> = @Sendable (Configuration) throws -> Value

  struct Contents {
    var types: [String: any Configurable.Type] = [:]
    var activations: [String: Maker<ActivationFunction>] = ActivationFunction.builtInMakers
    var initializers: [String: Maker<Initializer>] = Initializer.builtInMakers
    var regularizers: [String: Maker<Regularizer>] = Regularizer.builtInMakers
    var losses: [String: CustomLoss] = [:]
    var metrics: [String: CustomMetric] = [:]
  }

  private static let contents = Locked(Contents())

  /// Makes `type` loadable under its module and type name, also when the Swift runtime cannot
  /// find it by name (types declared in a function, private types). Registering again replaces
  /// the earlier entry.
  public static func register<T: Configurable>(_ type: T.Type) {
    let key = TypeName(of: type).key
    contents.withLock { $0.types[key] = type }
  }

  /// Makes a custom activation (``ActivationFunction/custom(name:_:)``) loadable by its name.
  public static func register(activation: ActivationFunction) {
    contents.withLock { $0.activations[activation.name] = { _ in activation } }
  }

  /// Makes a loss written as a closure (``CustomLoss``) loadable by its name.
  public static func register(loss: CustomLoss) {
    contents.withLock { $0.losses[loss.name] = loss }
  }

  /// Makes a metric written as a closure (``CustomMetric``) loadable by its name.
  public static func register(metric: CustomMetric) {
    contents.withLock { $0.metrics[metric.name] = metric }
  }

  /// The names of every registered activation, built in or custom, sorted.
  public static var activationNames: [String] { contents.current.activations.keys.sorted() }
  /// The Keras class names of every registered initializer, sorted.
  public static var initializerNames: [String] { contents.current.initializers.keys.sorted() }
  /// The Keras class names of every registered regularizer, sorted.
  public static var regularizerNames: [String] { contents.current.regularizers.keys.sorted() }
  /// The `Module.Type` names of the types registered with ``register(_:)``, sorted.
  public static var registeredTypeNames: [String] { contents.current.types.keys.sorted() }

  static func activationMaker(_ name: String) -> Maker<ActivationFunction>? {
    contents.withLock { $0.activations[name] }
  }
  static func initializerMaker(_ name: String) -> Maker<Initializer>? {
    contents.withLock { $0.initializers[name] }
  }
  static func regularizerMaker(_ name: String) -> Maker<Regularizer>? {
    contents.withLock { $0.regularizers[name] }
  }
  static func customLoss(_ name: String) -> CustomLoss? { contents.withLock { $0.losses[name] } }
  static func customMetric(_ name: String) -> CustomMetric? {
    contents.withLock { $0.metrics[name] }
  }

  /// How `object` is saved: `{"class_name": …, "module": …, "config": …}`.
  public static func reference(to object: any Configurable) -> ConfigurationValue {
    let name = TypeName(of: type(of: object))
    let reference: Configuration = [
      "class_name": name.typeName, "module": name.module, "config": object.configuration,
    ]
    return .object(reference)
  }

  /// Rebuilds the object a ``reference(to:)`` describes, checking that it is a `T`;
  /// `role` names what was expected in errors (`"a layer"`).
  static func instantiate<T>(_ value: ConfigurationValue, as _: T.Type, role: String) throws -> T {
    let reference = try Configuration(configurationValue: value)
    let typeName: String = try reference.value("class_name")
    let module: String = try reference.value("module", default: "Strata")
    let configuration: Configuration = try reference.value("config", default: Configuration())
    let key = "\(module).\(typeName)"
    guard let type = contents.withLock({ $0.types[key] }) ?? runtimeType(named: key) else {
      throw StrataError(
        .fileFormat,
        "Could not locate class '\(typeName)' of module '\(module)'. Make sure it adopts `Configurable`, and register it with `Registry.register(\(typeName).self)` before loading if it is declared inside a function or is private."
      )
    }
    let object: any Configurable
    do { object = try type.init(configuration: configuration) } catch let error as StrataError {
      throw error.prefixed("\(typeName)")
    }
    guard let result = object as? T else {
      throw StrataError(.fileFormat, "'\(key)' is not \(role)")
    }
    return result
  }

  /// The type the Swift runtime knows by a `Module.Type` name, if it adopts `Configurable`.
  ///
  /// The runtime looks types up by mangled name: `6Strata5DenseC` is the class `Strata.Dense`,
  /// `6Strata8AccuracyV` the struct `Strata.Accuracy`. The name is built here from plain ASCII
  /// identifiers only, trying class, struct and enum at each level of nesting, so text from a
  /// file never reaches the runtime's parser as anything but a well-formed name.
  private static func runtimeType(named name: String) -> (any Configurable.Type)? {
    let parts = name.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
    guard name.utf8.count <= 256, (2...5).contains(parts.count), parts.allSatisfy(isIdentifier)
    else { return nil }
    let prefix = parts[0] == "Swift" ? "s" : "\(parts[0].utf8.count)\(parts[0])"
    var candidates = [prefix]
    for part in parts.dropFirst() {
      candidates = candidates.flatMap { base in
        ["C", "V", "O"].map { kind in base + "\(part.utf8.count)\(part)" + kind }
      }
    }
    for mangled in candidates {
      if let type = _typeByName(mangled) as? any Configurable.Type { return type }
    }
    return nil
  }

  /// Whether `text` is an ASCII identifier: a letter or `_`, then letters, digits or `_`.
  private static func isIdentifier(_ text: String) -> Bool {
    guard let first = text.utf8.first, !(UInt8(ascii: "0")...UInt8(ascii: "9")).contains(first)
    else { return false }
    return text.utf8.allSatisfy { byte in
      byte == UInt8(ascii: "_") || (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte)
        || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte)
        || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
    }
  }
}

/// A type's module and name as saved: `Strata` and `Dense`, `MyApp` and `Outer.Inner`.
struct TypeName {
  let module: String
  let typeName: String

  init(of type: Any.Type) {
    let qualified = String(reflecting: type)
    let module = qualified.prefix { $0 != "." }
    self.module = String(module)
    // A type declared in a function prints as "Module.(unknown context at …).Name": keep
    // its bare name, which registration uses as well.
    self.typeName =
      qualified.contains("(")
      ? String(describing: type) : String(qualified.dropFirst(module.count + 1))
  }

  /// `Module.Type`, the key of registered types.
  var key: String { "\(module).\(typeName)" }
}
