import Foundation

/// Whether larger or smaller values of a monitored quantity are better.
public enum MonitorMode: Sendable {
  /// Decide as Keras does: `loss` and `val_loss` go down; a compiled metric goes the way its
  /// ``Metric/higherIsBetter`` says; anything else makes `fit` throw, asking for `.min` or
  /// `.max`.
  case auto
  /// Smaller is better.
  case min
  /// Larger is better.
  case max

  /// Whether larger is better for `monitor`, given the model's compiled `metrics`; `owner`
  /// names the callback in the error thrown when `.auto` cannot decide.
  func prefersLarger(_ monitor: String, metrics: [any Metric], owner: String) throws -> Bool {
    switch self {
    case .min: return false
    case .max: return true
    case .auto:
      let name = monitor.hasPrefix("val_") ? String(monitor.dropFirst(4)) : monitor
      if name == "loss" { return false }
      if let direction = metrics.first(where: { $0.name == name })?.higherIsBetter {
        return direction
      }
      throw StrataError(
        .invalidArgument,
        "\(owner) callback received monitor=\(monitor), but Strata isn't able to automatically determine whether that metric should be maximized or minimized. Pass `mode: .max` or `mode: .min`, or give the metric a direction (`higherIsBetter:`)."
      )
    }
  }
}

/// Reads a monitored value from the logs, warning once per `fit` (with the available keys,
/// as Keras does) when it is missing.
struct MonitoredValue {
  let monitor: String
  let owner: String
  /// The warning printed in this `fit`, if the value was missing.
  private(set) var warning: String?

  init(monitor: String, owner: String) {
    self.monitor = monitor
    self.owner = owner
  }

  mutating func reset() { warning = nil }

  mutating func read(_ logs: [String: Float]) -> Float? {
    if let value = logs[monitor] { return value }
    if warning == nil {
      let text =
        "Warning: \(owner) is conditioned on metric `\(monitor)` which is not available. Available metrics are: \(logs.keys.sorted().joined(separator: ","))"
      warning = text
      writeToStandardError(text + "\n")
    }
    return nil
  }
}

/// Writes to standard error at once, after what standard output holds.
func writeToStandardError(_ text: String) {
  fflush(nil)
  FileHandle.standardError.write(Data(text.utf8))
}
