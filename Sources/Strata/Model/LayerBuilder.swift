/// Collects the layers written in a `Sequential { … }` block, in order.
@resultBuilder
public enum LayerBuilder {
  /// One layer.
  public static func buildExpression(_ layer: any Layer) -> [any Layer] { [layer] }
  /// Several layers (for example from a helper function).
  public static func buildExpression(_ layers: [any Layer]) -> [any Layer] { layers }
  /// The layers of a block, in order.
  public static func buildBlock(_ parts: [any Layer]...) -> [any Layer] { parts.flatMap { $0 } }
  /// An `if` without `else`.
  public static func buildOptional(_ part: [any Layer]?) -> [any Layer] { part ?? [] }
  /// The first branch of an `if`/`else`.
  public static func buildEither(first part: [any Layer]) -> [any Layer] { part }
  /// The second branch of an `if`/`else`.
  public static func buildEither(second part: [any Layer]) -> [any Layer] { part }
  /// A `for` loop.
  public static func buildArray(_ parts: [[any Layer]]) -> [any Layer] { parts.flatMap { $0 } }
}
