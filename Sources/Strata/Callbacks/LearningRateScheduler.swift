import Foundation

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
