/// A type that describes itself as a ``Configuration`` and is rebuilt from one, as Keras's
/// `get_config()` / `from_config()`: every built-in layer, optimizer, loss, metric and
/// learning-rate schedule adopts it, and so can yours.
///
/// ```swift
/// final class Scale: Layer, Configurable {
///     var name = ""
///     let initialValue: Float
///     init(initialValue: Float = 1) { self.initialValue = initialValue }
///     var configuration: Configuration { ["initial_value": initialValue] }
///     convenience init(configuration: Configuration) throws {
///         self.init(initialValue: try configuration.value("initial_value", default: 1))
///     }
///     // … build, outputShape, call
/// }
/// ```
///
/// Saving writes the type's name and module beside its configuration; loading finds the type
/// again by that name (see ``Registry``), so a public or internal type of any module loads
/// without further steps. Weights and optimizer slots are saved separately: the configuration
/// holds only the arguments.
public protocol Configurable {
  /// The arguments that rebuild this object, with Keras's names where Keras has the argument
  /// (`units`, `use_bias`, `learning_rate`).
  var configuration: Configuration { get }

  /// Rebuilds an object from a configuration written by ``configuration``; throws a
  /// ``StrataError`` naming the key that is missing or holds the wrong kind of value.
  init(configuration: Configuration) throws
}
