/// A loss from your own per-sample function of `(target, prediction)`, built from engine ops
/// (its gradient follows from them): `loss: .custom(name: "my_loss") { y, p in … }`.
///
/// It is saved by name; register it with ``Registry/register(loss:)`` before loading a model
/// compiled with it.
public struct CustomLoss: Loss {
  /// The name under which the loss is saved and logged.
  public let name: String
  private let body: @Sendable (_ target: Tensor, _ prediction: Tensor) -> Tensor

  /// A loss computing `body(target, prediction)`: one value per sample, or a scalar.
  public init(
    name: String, _ body: @escaping @Sendable (_ target: Tensor, _ prediction: Tensor) -> Tensor
  ) {
    self.name = name
    self.body = body
  }

  /// `body(target, prediction)`.
  public func values(target: Tensor, prediction: Tensor) -> Tensor { body(target, prediction) }

  /// The name.
  public var configuration: Configuration { ["name": name] }

  /// The registered loss of that name.
  public init(configuration: Configuration) throws {
    let name: String = try configuration.value("name")
    guard let registered = Registry.customLoss(name) else {
      throw StrataError(
        .invalidArgument,
        "Could not interpret loss identifier: \(name). Register it with `Registry.register(loss:)` before loading."
      )
    }
    self = registered
  }
}

extension Loss where Self == CustomLoss {
  /// A loss from your own per-sample function of `(target, prediction)`.
  public static func custom(
    name: String, _ body: @escaping @Sendable (_ target: Tensor, _ prediction: Tensor) -> Tensor
  ) -> CustomLoss {
    CustomLoss(name: name, body)
  }
}
