/// Stops training when a monitored quantity has stopped improving, Keras's `EarlyStopping`.
///
/// Each epoch: a value better than the best by more than `minDelta` resets the wait (and, with
/// `restoreBestWeights`, snapshots the weights); otherwise, once `patience` epochs have passed
/// without improvement, training stops. With `restoreBestWeights` the best epoch's weights are
/// put back at the end of training, also when training ran to its last epoch (Keras 3).
///
/// To stop once a loss is low enough ("stop when the cost falls below a threshold"), use
/// ``StopAtThreshold``.
public final class EarlyStopping: Callback {
  /// The logged quantity to watch (`"val_loss"` by default).
  public let monitor: String
  /// The smallest change that counts as an improvement.
  public let minDelta: Float
  /// Epochs without improvement before stopping.
  public let patience: Int
  /// Whether larger or smaller is better.
  public let mode: MonitorMode
  /// A value the monitored quantity must improve on (Keras's `baseline`).
  public let baseline: Float?
  /// Whether to put the best epoch's weights back at the end.
  public let restoreBestWeights: Bool
  /// Epochs to wait before watching.
  public let startFromEpoch: Int
  /// Whether to print when stopping and restoring.
  public let verbose: Bool

  /// The epoch at which training stopped (0 if it did not stop early).
  public private(set) var stoppedEpoch = 0
  /// The epoch with the best value so far.
  public private(set) var bestEpoch = 0
  /// The best value so far.
  public private(set) var best: Float = .infinity
  /// The warning printed when `monitor` was missing from the logs, if it was.
  public var missingMonitorWarning: String? { reader.warning }
  private var wait = 0
  private var bestWeights: [Tensor]?
  private var reader: MonitoredValue
  private var larger = false

  /// Creates the callback with Keras's defaults.
  public init(
    monitor: String = "val_loss", minDelta: Float = 0, patience: Int = 0, mode: MonitorMode = .auto,
    baseline: Float? = nil, restoreBestWeights: Bool = false, startFromEpoch: Int = 0,
    verbose: Bool = false
  ) {
    self.monitor = monitor
    self.minDelta = Swift.abs(minDelta)
    self.patience = patience
    self.mode = mode
    self.baseline = baseline
    self.restoreBestWeights = restoreBestWeights
    self.startFromEpoch = startFromEpoch
    self.verbose = verbose
    reader = MonitoredValue(monitor: monitor, owner: "Early stopping")
  }

  private func isImprovement(_ value: Float, over reference: Float) -> Bool {
    larger ? value - minDelta > reference : value + minDelta < reference
  }

  /// Resets the state for a new `fit`; throws when `mode: .auto` cannot tell the direction of
  /// `monitor`.
  public func onTrainBegin(context: TrainingContext) throws {
    larger = try mode.prefersLarger(
      monitor, metrics: context.model.metrics + context.model.weightedMetrics,
      owner: "EarlyStopping")
    wait = 0
    stoppedEpoch = 0
    bestEpoch = 0
    best = larger ? -.infinity : .infinity
    bestWeights = nil
    reader.reset()
  }

  /// Watches the epoch's value.
  public func onEpochEnd(epoch: Int, logs: [String: Float], context: TrainingContext) {
    guard let current = reader.read(logs), epoch >= startFromEpoch else { return }
    if restoreBestWeights && bestWeights == nil { bestWeights = context.model.getWeights() }
    wait += 1
    if isImprovement(current, over: best) {
      best = current
      bestEpoch = epoch
      if restoreBestWeights { bestWeights = context.model.getWeights() }
      if baseline.map({ isImprovement(current, over: $0) }) ?? true { wait = 0 }
      return
    }
    if wait >= patience && epoch > 0 {
      stoppedEpoch = epoch
      context.model.stopTraining = true
    }
  }

  /// Restores the best weights if asked.
  public func onTrainEnd(logs: [String: Float], context: TrainingContext) throws {
    if stoppedEpoch > 0 && verbose {
      writeToStandardOutput("Epoch \(stoppedEpoch + 1): early stopping\n")
    }
    if restoreBestWeights, let bestWeights {
      if verbose {
        writeToStandardOutput(
          "Restoring model weights from the end of the best epoch: \(bestEpoch + 1).\n")
      }
      try context.model.setWeights(bestWeights)
    }
  }
}
