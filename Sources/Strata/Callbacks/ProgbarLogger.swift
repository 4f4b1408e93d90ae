/// The progress output of `fit`, as Keras's `ProgbarLogger`: `Epoch 3/10` (when there is more
/// than one epoch), then the bar with the running logs, and the final line with the validation
/// values. `fit` adds one for `verbose: 1` or `2` unless you pass your own.
public final class ProgbarLogger: Callback {
  private let verbosity: Verbosity
  private let isTerminal: Bool
  private let write: (String) -> Void
  private var bar: ProgressBar?
  private var epochs = 0
  private var steps = 0

  /// A progress display for `verbosity` (a bar, or one line per epoch).
  public convenience init(verbosity: Verbosity = .progressBar) {
    self.init(
      verbosity: verbosity, isTerminal: standardOutputIsTerminal, write: writeToStandardOutput)
  }

  init(
    verbosity: Verbosity, isTerminal: Bool,
    write: @escaping (String) -> Void = writeToStandardOutput
  ) {
    self.verbosity = verbosity
    self.isTerminal = isTerminal
    self.write = write
  }

  /// Part of the progress display.
  public func onTrainBegin(context: TrainingContext) {
    epochs = context.parameters["epochs"] ?? 1
    steps = context.parameters["steps"] ?? 0
  }

  /// Part of the progress display.
  public func onEpochBegin(epoch: Int, context: TrainingContext) {
    guard verbosity != .silent else { return }
    if epochs > 1 { write("Epoch \(epoch + 1)/\(epochs)\n") }
    bar = ProgressBar(target: steps, verbosity: verbosity, isTerminal: isTerminal, write: write)
  }

  /// Part of the progress display.
  public func onTrainBatchEnd(batch: Int, logs: [String: Float], context: TrainingContext) {
    guard batch + 1 < steps else { return }
    bar?.update(batch + 1, values: sortedLogs(logs))
  }

  /// Part of the progress display.
  public func onEpochEnd(epoch: Int, logs: [String: Float], context: TrainingContext) {
    bar?.update(steps, values: sortedLogs(logs), final: true)
    bar = nil
  }
}

/// Logs in Keras's order (sorted by name).
func sortedLogs(_ logs: [String: Float]) -> [(String, Float)] {
  logs.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
}
