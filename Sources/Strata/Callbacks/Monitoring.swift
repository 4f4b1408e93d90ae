import Foundation

/// Whether larger or smaller values of a monitored quantity are better.
public enum MonitorMode: Sendable {
  /// Decide from the name, as Keras does: accuracy, AUC, precision and recall go up;
  /// losses and errors go down.
  case auto
  /// Smaller is better.
  case min
  /// Larger is better.
  case max

  /// Whether larger is better for `monitor`.
  func prefersLarger(_ monitor: String) -> Bool {
    switch self {
    case .min: return false
    case .max: return true
    case .auto:
      let name = monitor.hasPrefix("val_") ? String(monitor.dropFirst(4)) : monitor
      return ["acc", "accuracy", "auc", "precision", "recall"].contains {
        name == $0 || name.hasSuffix("_" + $0)
      }
        || name.hasSuffix("accuracy")
    }
  }
}

/// Reads a monitored value from the logs, warning once per `fit` (with the available keys,
/// as Keras does) when it is missing.
struct MonitoredValue {
  let monitor: String
  let owner: String
  private var warned = false

  init(monitor: String, owner: String) {
    self.monitor = monitor
    self.owner = owner
  }

  mutating func reset() { warned = false }

  mutating func read(_ logs: [String: Float]) -> Float? {
    if let value = logs[monitor] { return value }
    if !warned {
      warned = true
      writeToStandardError(
        "Warning: \(owner) is conditioned on metric `\(monitor)` which is not available. Available metrics are: \(logs.keys.sorted().joined(separator: ","))\n"
      )
    }
    return nil
  }
}

/// Callbacks that change the optimizer's learning rate; `fit` then logs `learning_rate`.
public protocol LearningRateAdjusting: Callback {}

/// Writes to standard error at once.
func writeToStandardError(_ text: String) {
  FileHandle.standardError.write(Data(text.utf8))
}
