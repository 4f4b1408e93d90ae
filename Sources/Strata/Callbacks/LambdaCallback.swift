/// A callback made of closures, Keras's `LambdaCallback`.
public final class LambdaCallback: Callback {
  private let epochBegin: ((Int) throws -> Void)?
  private let epochEnd: ((Int, [String: Float]) throws -> Void)?
  private let batchEnd: ((Int, [String: Float]) throws -> Void)?
  private let trainBegin: (() throws -> Void)?
  private let trainEnd: (([String: Float]) throws -> Void)?

  /// Creates a callback from the hooks you need.
  public init(
    onEpochBegin: ((Int) throws -> Void)? = nil,
    onEpochEnd: ((Int, [String: Float]) throws -> Void)? = nil,
    onTrainBatchEnd: ((Int, [String: Float]) throws -> Void)? = nil,
    onTrainBegin: (() throws -> Void)? = nil,
    onTrainEnd: (([String: Float]) throws -> Void)? = nil
  ) {
    epochBegin = onEpochBegin
    epochEnd = onEpochEnd
    batchEnd = onTrainBatchEnd
    trainBegin = onTrainBegin
    trainEnd = onTrainEnd
  }

  /// Calls `onTrainBegin`.
  public func onTrainBegin(context: TrainingContext) throws { try trainBegin?() }
  /// Calls `onTrainEnd`.
  public func onTrainEnd(logs: [String: Float], context: TrainingContext) throws {
    try trainEnd?(logs)
  }
  /// Calls `onEpochBegin`.
  public func onEpochBegin(epoch: Int, context: TrainingContext) throws { try epochBegin?(epoch) }
  /// Calls `onEpochEnd`.
  public func onEpochEnd(epoch: Int, logs: [String: Float], context: TrainingContext) throws {
    try epochEnd?(epoch, logs)
  }
  /// Calls `onTrainBatchEnd`.
  public func onTrainBatchEnd(batch: Int, logs: [String: Float], context: TrainingContext) throws {
    try batchEnd?(batch, logs)
  }
}
