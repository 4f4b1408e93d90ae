/// A function applied to a layer's output, as Keras's `activation=` argument.
///
/// Use the static members: `Dense(units: 10, activation: .softmax)`, `.relu`,
/// `.leakyRelu(alpha: 0.3)`, or your own with `.custom(name:_:)`.
///
/// An activation is saved as Keras saves one, by name (`"relu"`), with its arguments when it
/// has any (`{"class_name": "elu", "config": {"alpha": 0.5}}`); a custom one loads once it is
/// registered with ``Registry/register(activation:)``. Two activations are equal when their
/// names and arguments are.
public struct ActivationFunction: CustomStringConvertible, Sendable, Equatable {
  enum Kind {
    case elementwise(ElementwiseActivation)
    case softmax
    case custom(@Sendable (Tensor) -> Tensor)
  }

  /// The Keras name of the function (`"relu"`, `"softmax"`, …), used in summaries and files.
  public let name: String
  /// The function's arguments (`alpha` of `elu`), empty for most.
  public let arguments: Configuration
  let kind: Kind

  init(name: String, arguments: Configuration = [:], kind: Kind) {
    self.name = name
    self.arguments = arguments
    self.kind = kind
  }

  /// Whether both have the same name and arguments.
  public static func == (lhs: ActivationFunction, rhs: ActivationFunction) -> Bool {
    lhs.name == rhs.name && lhs.arguments == rhs.arguments
  }

  /// Applies the function to `input`.
  public func callAsFunction(_ input: Tensor) -> Tensor {
    switch kind {
    case .elementwise(let activation): return input.activated(activation)
    case .softmax: return input.softmax(alongAxis: -1)
    case .custom(let body): return body(input)
    }
  }

  /// The function's name.
  public var description: String { name }

  /// The elementwise engine activation, when this is one (used by the fused Dense op).
  var elementwise: ElementwiseActivation? {
    if case .elementwise(let activation) = kind { return activation }
    return nil
  }

  /// Whether this is the identity.
  var isLinear: Bool { elementwise == .linear }

  /// `x` (the default: no activation).
  public static let linear = ActivationFunction(name: "linear", kind: .elementwise(.linear))
  /// `max(x, 0)`.
  public static let relu = ActivationFunction(name: "relu", kind: .elementwise(.relu))
  /// `1 / (1 + e⁻ˣ)`.
  public static let sigmoid = ActivationFunction(name: "sigmoid", kind: .elementwise(.sigmoid))
  /// `tanh(x)`.
  public static let tanh = ActivationFunction(name: "tanh", kind: .elementwise(.tanh))
  /// `exp(x) / Σ exp(x)` along the last axis.
  public static let softmax = ActivationFunction(name: "softmax", kind: .softmax)
  /// `log(1 + eˣ)`.
  public static let softplus = ActivationFunction(name: "softplus", kind: .elementwise(.softplus))
  /// The exponential linear unit with Keras's default `alpha = 1`.
  public static let elu = ActivationFunction(name: "elu", kind: .elementwise(.elu(alpha: 1)))
  /// The scaled exponential linear unit (Keras's constants).
  public static let selu = ActivationFunction(name: "selu", kind: .elementwise(.selu))
  /// The Gaussian error linear unit, exact form (Keras's default).
  public static let gelu = ActivationFunction(
    name: "gelu", kind: .elementwise(.gelu(approximate: false)))
  /// `x · sigmoid(x)`.
  public static let swish = ActivationFunction(name: "swish", kind: .elementwise(.swish))
  /// The leaky ReLU with Keras's function default slope 0.2.
  public static let leakyRelu = ActivationFunction.leakyRelu(alpha: 0.2)

  /// The exponential linear unit with slope parameter `alpha`.
  public static func elu(alpha: Float) -> ActivationFunction {
    ActivationFunction(
      name: "elu", arguments: alpha == 1 ? [:] : ["alpha": alpha],
      kind: .elementwise(.elu(alpha: alpha)))
  }

  /// The leaky ReLU: `x` for `x > 0`, else `alpha · x`.
  public static func leakyRelu(alpha: Float) -> ActivationFunction {
    ActivationFunction(
      name: "leaky_relu", arguments: alpha == 0.2 ? [:] : ["alpha": alpha],
      kind: .elementwise(.leakyRelu(alpha: alpha)))
  }

  /// The Gaussian error linear unit, exact or with the tanh approximation.
  public static func gelu(approximate: Bool) -> ActivationFunction {
    ActivationFunction(
      name: "gelu", arguments: approximate ? ["approximate": true] : [:],
      kind: .elementwise(.gelu(approximate: approximate)))
  }

  /// An activation made of engine ops; its gradient follows from them.
  public static func custom(name: String, _ body: @escaping @Sendable (Tensor) -> Tensor)
    -> ActivationFunction
  {
    ActivationFunction(name: name, kind: .custom(body))
  }
}

extension ActivationFunction: ConfigurationRepresentable {
  /// The name (`"relu"`), or `{"class_name": name, "config": arguments}` when there are
  /// arguments.
  public var configurationValue: ConfigurationValue {
    if arguments.entries.isEmpty { return .string(name) }
    let reference: Configuration = ["class_name": name, "config": arguments]
    return .object(reference)
  }

  /// Finds the activation by name in the ``Registry`` (built-ins and registered customs).
  public init(configurationValue value: ConfigurationValue) throws {
    let (name, arguments) = try value.nameAndArguments(expected: "an activation name")
    guard let make = Registry.activationMaker(name) else {
      throw StrataError(
        .invalidArgument,
        "Could not interpret activation function identifier: \(name). Register a custom activation with `Registry.register(activation:)` before loading."
      )
    }
    self = try make(arguments)
  }

  /// How the built-in activations are rebuilt, by Keras name: the ``Registry`` starts with
  /// these.
  static let builtInMakers: [String: Registry.Maker<ActivationFunction>] = [
    "linear": { _ in .linear }, "relu": { _ in .relu }, "sigmoid": { _ in .sigmoid },
    "tanh": { _ in .tanh }, "softmax": { _ in .softmax }, "softplus": { _ in .softplus },
    "selu": { _ in .selu }, "swish": { _ in .swish },
    "elu": { try .elu(alpha: $0.value("alpha", default: 1)) },
    "leaky_relu": { try .leakyRelu(alpha: $0.value("alpha", default: 0.2)) },
    "gelu": { try .gelu(approximate: $0.value("approximate", default: false)) },
  ]
}
