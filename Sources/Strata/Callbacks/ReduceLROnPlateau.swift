import Foundation

/// Lowers the learning rate when a monitored quantity stops improving, Keras's
/// `ReduceLROnPlateau`: after `patience` epochs without an improvement of `minDelta`,
/// `lr = max(lr · factor, minLR)`, then `cooldown` epochs of rest.
public final class ReduceLROnPlateau: LearningRateAdjusting {
  /// The logged quantity to watch.
  public let monitor: String
  /// The factor applied to the learning rate (must be below 1).
  public let factor: Float
  /// Epochs without improvement before reducing.
  public let patience: Int
  /// The smallest change that counts as an improvement (Keras default 1e-4).
  public let minDelta: Float
  /// Epochs to wait after a reduction.
  public let cooldown: Int
  /// The lowest learning rate.
  public let minLR: Float
  /// Whether larger or smaller is better.
  public let mode: MonitorMode
  /// Whether to print each reduction.
  public let verbose: Bool
  private var wait = 0
  private var cooldownCounter = 0
  private var best: Float = .infinity
  private var reader: MonitoredValue
  private var larger = false

  /// Creates the callback with Keras's defaults; `fit` throws unless `factor < 1`.
  public init(
    monitor: String = "val_loss", factor: Float = 0.1, patience: Int = 10, minDelta: Float = 1e-4,
    cooldown: Int = 0, minLR: Float = 0, mode: MonitorMode = .auto, verbose: Bool = false
  ) {
    self.monitor = monitor
    self.factor = factor
    self.patience = patience
    self.minDelta = minDelta
    self.cooldown = cooldown
    self.minLR = minLR
    self.mode = mode
    self.verbose = verbose
    reader = MonitoredValue(monitor: monitor, owner: "ReduceLROnPlateau")
  }

  /// Resets the state for a new `fit`; throws for a `factor` of 1 or more, or when
  /// `mode: .auto` cannot tell the direction of `monitor`.
  public func onTrainBegin(context: TrainingContext) throws {
    guard factor < 1, factor.isFinite else {
      throw StrataError(
        .invalidArgument,
        "ReduceLROnPlateau does not support a factor >= 1. Received: factor=\(factor)")
    }
    larger = try mode.prefersLarger(
      monitor, metrics: context.model.metrics + context.model.weightedMetrics,
      owner: "ReduceLROnPlateau")
    wait = 0
    cooldownCounter = 0
    best = larger ? -.infinity : .infinity
    reader.reset()
  }

  /// Watches the epoch's value and reduces the rate when it has stalled.
  public func onEpochEnd(epoch: Int, logs: [String: Float], context: TrainingContext) {
    guard let current = reader.read(logs), let optimizer = context.model.optimizer else { return }
    if cooldownCounter > 0 {
      cooldownCounter -= 1
      wait = 0
    }
    if larger ? current - minDelta > best : current + minDelta < best {
      best = current
      wait = 0
    } else if cooldownCounter <= 0 {
      wait += 1
      if wait >= patience && optimizer.learningRate > minLR {
        optimizer.learningRate = Swift.max(optimizer.learningRate * factor, minLR)
        if verbose {
          writeToStandardOutput(
            "\nEpoch \(epoch + 1): ReduceLROnPlateau reducing learning rate to \(optimizer.learningRate).\n"
          )
        }
        cooldownCounter = cooldown
        wait = 0
      }
    }
  }
}
