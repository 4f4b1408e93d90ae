/// Stops training at the first batch whose loss is NaN or infinite, Keras's `TerminateOnNaN`.
///
/// What it leaves behind: every weight (trainable or not) as it was when the model computed
/// its last finite batch loss, so `predict` gives what that model gave. Strata never applies a
/// step whose loss is not finite; the update before it, which led to weights that overflow,
/// is undone too. The optimizer's slots and step count stay as that update left them. (Keras
/// applies the non-finite step and keeps the weights it gives.)
public final class TerminateOnNaN: Callback {
  /// Whether to throw instead of stopping quietly.
  public let raiseError: Bool
  /// The (epoch, batch) at which training was stopped, if it was.
  public private(set) var stoppedAt: (epoch: Int, batch: Int)?
  private var epoch = 0
  /// The weights' values before the previous batch and before this one. Holding them costs no
  /// copy until the optimizer writes a weight (tensors copy on write).
  private var beforePreviousBatch: [Tensor]?
  private var beforeThisBatch: [Tensor]?

  /// Creates the callback.
  public init(raiseError: Bool = false) { self.raiseError = raiseError }

  /// Forgets the weights of an earlier `fit`.
  public func onTrainBegin(context: TrainingContext) {
    beforePreviousBatch = nil
    beforeThisBatch = nil
  }

  /// Remembers the epoch.
  public func onEpochBegin(epoch: Int, context: TrainingContext) { self.epoch = epoch }

  /// Remembers the weights the batch starts from.
  public func onTrainBatchBegin(batch: Int, context: TrainingContext) {
    beforePreviousBatch = beforeThisBatch
    beforeThisBatch = context.model.weights.map(\.value)
  }

  /// Checks the batch's loss; when it is not finite, puts back the weights that computed the
  /// last finite one and stops training (or throws, with `raiseError`).
  public func onTrainBatchEnd(batch: Int, logs: [String: Float], context: TrainingContext) throws {
    guard let loss = logs["loss"], !loss.isFinite else { return }
    stoppedAt = (epoch, batch)
    if let restored = beforePreviousBatch ?? beforeThisBatch {
      for (weight, value) in zip(context.model.weights, restored) { weight.value = value }
    }
    beforePreviousBatch = nil
    beforeThisBatch = nil
    if raiseError {
      throw StrataError(
        .invalidData,
        "Batch \(batch) of epoch \(epoch + 1): invalid loss \(loss), terminating training")
    }
    writeToStandardOutput("Batch \(batch): Invalid loss, terminating training\n")
    context.model.stopTraining = true
  }
}
