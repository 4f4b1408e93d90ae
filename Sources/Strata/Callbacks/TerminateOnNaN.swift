/// Stops training at the first batch whose loss is NaN or infinite, Keras's `TerminateOnNaN`.
/// Strata never applies a non-finite step, so the weights stay those of the last finite batch.
public final class TerminateOnNaN: Callback {
  /// Whether to throw instead of stopping quietly.
  public let raiseError: Bool
  /// The (epoch, batch) at which training was stopped, if it was.
  public private(set) var stoppedAt: (epoch: Int, batch: Int)?
  private var epoch = 0

  /// Creates the callback.
  public init(raiseError: Bool = false) { self.raiseError = raiseError }

  /// Remembers the epoch.
  public func onEpochBegin(epoch: Int, context: TrainingContext) { self.epoch = epoch }

  /// Checks the batch's loss.
  public func onTrainBatchEnd(batch: Int, logs: [String: Float], context: TrainingContext) throws {
    guard let loss = logs["loss"], !loss.isFinite else { return }
    stoppedAt = (epoch, batch)
    if raiseError {
      throw StrataError(
        .invalidData,
        "Batch \(batch) of epoch \(epoch + 1): invalid loss \(loss), terminating training")
    }
    writeToStandardOutput("Batch \(batch): Invalid loss, terminating training\n")
    context.model.stopTraining = true
  }
}
