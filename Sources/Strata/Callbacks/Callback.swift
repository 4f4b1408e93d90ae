/// Hooks into `fit`, `evaluate` and `predict`, as a Keras `Callback`.
///
/// Every hook has an empty default, so a callback implements only what it needs. Logs are
/// the running values of the loss and metrics under their Keras names; `onEpochEnd` also gets
/// the `val_` values. Set `context.model.stopTraining = true` to end training. A hook that
/// throws stops `fit` with that error; the weights stay those of the last completed batch.
public protocol Callback: AnyObject {
  /// Called once before the first epoch.
  func onTrainBegin(context: TrainingContext) throws
  /// Called once after the last epoch, with the last epoch's logs.
  func onTrainEnd(logs: [String: Float], context: TrainingContext) throws
  /// Called at the start of each epoch (0-based).
  func onEpochBegin(epoch: Int, context: TrainingContext) throws
  /// Called at the end of each epoch with its training and validation values.
  func onEpochEnd(epoch: Int, logs: [String: Float], context: TrainingContext) throws
  /// Called before each training batch (0-based within the epoch).
  func onTrainBatchBegin(batch: Int, context: TrainingContext) throws
  /// Called after each training batch with the running values.
  func onTrainBatchEnd(batch: Int, logs: [String: Float], context: TrainingContext) throws
  /// Called before `evaluate` (or validation) starts.
  func onTestBegin(context: TrainingContext) throws
  /// Called after `evaluate` (or validation) with its values.
  func onTestEnd(logs: [String: Float], context: TrainingContext) throws
  /// Called after each evaluation batch with the running values.
  func onTestBatchEnd(batch: Int, logs: [String: Float], context: TrainingContext) throws
  /// Called before `predict` starts.
  func onPredictBegin(context: TrainingContext) throws
  /// Called after `predict`.
  func onPredictEnd(context: TrainingContext) throws
  /// Called after each prediction batch.
  func onPredictBatchEnd(batch: Int, context: TrainingContext) throws
}

extension Callback {
  /// Does nothing.
  public func onTrainBegin(context: TrainingContext) {}
  /// Does nothing.
  public func onTrainEnd(logs: [String: Float], context: TrainingContext) {}
  /// Does nothing.
  public func onEpochBegin(epoch: Int, context: TrainingContext) {}
  /// Does nothing.
  public func onEpochEnd(epoch: Int, logs: [String: Float], context: TrainingContext) {}
  /// Does nothing.
  public func onTrainBatchBegin(batch: Int, context: TrainingContext) {}
  /// Does nothing.
  public func onTrainBatchEnd(batch: Int, logs: [String: Float], context: TrainingContext) {}
  /// Does nothing.
  public func onTestBegin(context: TrainingContext) {}
  /// Does nothing.
  public func onTestEnd(logs: [String: Float], context: TrainingContext) {}
  /// Does nothing.
  public func onTestBatchEnd(batch: Int, logs: [String: Float], context: TrainingContext) {}
  /// Does nothing.
  public func onPredictBegin(context: TrainingContext) {}
  /// Does nothing.
  public func onPredictEnd(context: TrainingContext) {}
  /// Does nothing.
  public func onPredictBatchEnd(batch: Int, context: TrainingContext) {}
}

/// What a callback can see: the model and the run's parameters.
public struct TrainingContext {
  /// The model being trained, evaluated or run.
  public let model: Sequential
  /// Keras's `params`: `epochs`, `steps` (batches per epoch) and `verbose`.
  public let parameters: [String: Int]
}
