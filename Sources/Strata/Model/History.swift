/// The record of a `fit` call: one value per epoch for the loss and every metric, under
/// Keras's names (`loss`, `accuracy`, `val_loss`, `val_accuracy`, …).
///
/// ```swift
/// let history = try model.fit(x, y, epochs: 10, validationSplit: 0.2)
/// print(history["val_loss"]!)
/// ```
///
/// Training values are running means over the epoch, taken before each batch's update and
/// with dropout active, as in Keras; that is why they differ from `evaluate` on the same data.
public final class History: Callback {
  /// One list of per-epoch values per logged key.
  public private(set) var history: [String: [Float]] = [:]
  /// The (0-based) index of each recorded epoch.
  public private(set) var epoch: [Int] = []
  /// The training parameters: `epochs`, `steps` (batches per epoch) and `verbose`.
  public private(set) var params: [String: Int] = [:]

  /// An empty history.
  public init() {}

  /// The per-epoch values of `key`, or nil if it was never logged.
  public subscript(key: String) -> [Float]? { history[key] }

  /// The logged keys, sorted as Keras sorts them.
  public var keys: [String] { history.keys.sorted() }

  /// Records the training parameters.
  public func onTrainBegin(context: TrainingContext) {
    params = context.parameters
  }

  /// Appends the epoch's values.
  public func onEpochEnd(epoch: Int, logs: [String: Float], context: TrainingContext) {
    self.epoch.append(epoch)
    for (key, value) in logs { history[key, default: []].append(value) }
  }
}
