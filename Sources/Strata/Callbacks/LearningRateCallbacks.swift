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

  /// Creates the callback with Keras's defaults. - Precondition: `factor < 1`.
  public init(
    monitor: String = "val_loss", factor: Float = 0.1, patience: Int = 10, minDelta: Float = 1e-4,
    cooldown: Int = 0, minLR: Float = 0, mode: MonitorMode = .auto, verbose: Bool = false
  ) {
    precondition(
      factor < 1, "ReduceLROnPlateau does not support a factor >= 1. Received: factor=\(factor)")
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

  /// Resets the state for a new `fit`.
  public func onTrainBegin(context: TrainingContext) {
    wait = 0
    cooldownCounter = 0
    best = mode.prefersLarger(monitor) ? -.infinity : .infinity
    reader.reset()
  }

  /// Watches the epoch's value and reduces the rate when it has stalled.
  public func onEpochEnd(epoch: Int, logs: [String: Float], context: TrainingContext) {
    guard let current = reader.read(logs), let optimizer = context.model.optimizer else { return }
    let larger = mode.prefersLarger(monitor)
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

/// Sets the learning rate at the start of each epoch from a function of the epoch and the
/// current rate, Keras's `LearningRateScheduler`:
/// `LearningRateScheduler { epoch, lr in epoch < 10 ? lr : lr * 0.9 }`.
public final class LearningRateScheduler: LearningRateAdjusting {
  private let schedule: (_ epoch: Int, _ learningRate: Float) -> Float
  /// Whether to print each change.
  public let verbose: Bool

  /// Creates the callback from `schedule(epoch, currentLearningRate)`.
  public init(
    verbose: Bool = false, _ schedule: @escaping (_ epoch: Int, _ learningRate: Float) -> Float
  ) {
    self.schedule = schedule
    self.verbose = verbose
  }

  /// Sets the epoch's learning rate; throws if the schedule returns a negative or non-finite rate.
  public func onEpochBegin(epoch: Int, context: TrainingContext) throws {
    guard let optimizer = context.model.optimizer else { return }
    let rate = schedule(epoch, optimizer.learningRate)
    guard rate.isFinite && rate >= 0 else {
      throw StrataError(
        .invalidArgument,
        "LearningRateScheduler: the schedule returned \(rate) for epoch \(epoch); expected a finite, non-negative learning rate."
      )
    }
    optimizer.learningRate = rate
    if verbose {
      writeToStandardOutput(
        "\nEpoch \(epoch + 1): LearningRateScheduler setting learning rate to \(rate).\n")
    }
  }
}
