/// Stops training as soon as a monitored value reaches a threshold — "stop when the cost falls
/// below 0.01", as the books put it.
public final class StopAtThreshold: Callback {
  /// The logged quantity to watch.
  public let monitor: String
  /// The value to reach.
  public let threshold: Float
  /// Whether reaching means going below (losses) or above (accuracies) the threshold.
  public let mode: MonitorMode
  /// The epoch at which the threshold was reached, if it was.
  public private(set) var reachedEpoch: Int?
  private var reader: MonitoredValue
  private var larger = false

  /// Stops when `monitor` falls below (or, for accuracies, rises above) `threshold`.
  public init(monitor: String = "loss", threshold: Float, mode: MonitorMode = .auto) {
    self.monitor = monitor
    self.threshold = threshold
    self.mode = mode
    reader = MonitoredValue(monitor: monitor, owner: "StopAtThreshold")
  }

  /// Resets for a new `fit`; throws when `mode: .auto` cannot tell the direction of `monitor`.
  public func onTrainBegin(context: TrainingContext) throws {
    larger = try mode.prefersLarger(
      monitor, metrics: context.model.metrics + context.model.weightedMetrics,
      owner: "StopAtThreshold")
    reachedEpoch = nil
    reader.reset()
  }

  /// Checks the epoch's value.
  public func onEpochEnd(epoch: Int, logs: [String: Float], context: TrainingContext) {
    guard let value = reader.read(logs) else { return }
    let reached = larger ? value >= threshold : value <= threshold
    if reached {
      reachedEpoch = epoch
      context.model.stopTraining = true
    }
  }
}
