import Foundation

/// Saves the model during training, Keras's `ModelCheckpoint`: the whole model
/// (``Sequential/save(to:)``, loadable with ``Sequential/load(from:compile:)``) or, with
/// `saveWeightsOnly`, its weights (``Sequential/saveWeights(to:)``).
///
/// The path may hold placeholders filled from the epoch and batch (1-based) and the logs, with
/// an optional precision: `"ckpt-{epoch:02d}-{val_loss:.4f}.strata"`. Files are written
/// atomically. With `saveBestOnly`, a file is written only when `monitor` improves (beyond
/// `initialValueThreshold`, when given). `saveFrequency` saves at the end of each epoch
/// (Keras's `save_freq="epoch"`) or after every n batches (`save_freq=n`, the batch logs).
public final class ModelCheckpoint: Callback {
  /// When to save, Keras's `save_freq`.
  public enum SaveFrequency: Equatable, Sendable {
    /// At the end of every epoch (`"epoch"`, the default).
    case epoch
    /// After every `n` training batches, counted across epochs (`save_freq=n`).
    case batches(Int)
  }

  /// The path pattern.
  public let path: String
  /// The quantity that decides "best".
  public let monitor: String
  /// Whether to save only improvements.
  public let saveBestOnly: Bool
  /// Whether to save the weights alone instead of the whole model.
  public let saveWeightsOnly: Bool
  /// Whether larger or smaller is better.
  public let mode: MonitorMode
  /// Whether to print each save.
  public let verbose: Bool
  /// When to save.
  public let saveFrequency: SaveFrequency
  /// The value `monitor` must beat for the first save with `saveBestOnly` (Keras's
  /// `initial_value_threshold`); nil: the first value is saved.
  public let initialValueThreshold: Float?
  /// The paths written, in order.
  public private(set) var savedPaths: [String] = []
  private var best: Float?
  private var reader: MonitoredValue
  private var larger = false
  private var currentEpoch = 0
  private var batchesSinceSave = 0

  /// Creates the callback with Keras's defaults (the whole model, every epoch).
  public init(
    path: String, monitor: String = "val_loss", saveBestOnly: Bool = false,
    saveWeightsOnly: Bool = false, mode: MonitorMode = .auto, verbose: Bool = false,
    saveFrequency: SaveFrequency = .epoch, initialValueThreshold: Float? = nil
  ) {
    self.saveFrequency = saveFrequency
    self.initialValueThreshold = initialValueThreshold
    self.path = path
    self.monitor = monitor
    self.saveBestOnly = saveBestOnly
    self.saveWeightsOnly = saveWeightsOnly
    self.mode = mode
    self.verbose = verbose
    reader = MonitoredValue(monitor: monitor, owner: "ModelCheckpoint")
  }

  /// Resets the best value for a new `fit`; with `saveBestOnly`, throws when `mode: .auto`
  /// cannot tell the direction of `monitor`.
  public func onTrainBegin(context: TrainingContext) throws {
    if saveBestOnly {
      larger = try mode.prefersLarger(
        monitor, metrics: context.model.metrics + context.model.weightedMetrics,
        owner: "ModelCheckpoint")
    }
    if case .batches(let count) = saveFrequency, count < 1 {
      throw StrataError(
        .invalidArgument,
        "ModelCheckpoint: `saveFrequency` must be `.epoch` or a positive number of batches. Received: \(count)"
      )
    }
    best = initialValueThreshold
    batchesSinceSave = 0
    reader.reset()
  }

  /// Notes the epoch, for the paths of batch-level saves.
  public func onEpochBegin(epoch: Int, context: TrainingContext) { currentEpoch = epoch }

  /// Saves every `n` batches with `saveFrequency: .batches(n)`.
  public func onTrainBatchEnd(batch: Int, logs: [String: Float], context: TrainingContext) throws {
    guard case .batches(let count) = saveFrequency else { return }
    batchesSinceSave += 1
    guard batchesSinceSave >= count else { return }
    batchesSinceSave = 0
    try save(epoch: currentEpoch, batch: batch, logs: logs, context: context)
  }

  /// Saves at the end of the epoch with `saveFrequency: .epoch`.
  public func onEpochEnd(epoch: Int, logs: [String: Float], context: TrainingContext) throws {
    guard saveFrequency == .epoch else { return }
    try save(epoch: epoch, batch: nil, logs: logs, context: context)
  }

  /// Saves to the formatted path when due (always, or on an improvement with `saveBestOnly`).
  private func save(epoch: Int, batch: Int?, logs: [String: Float], context: TrainingContext)
    throws
  {
    let target = try ModelCheckpoint.format(
      path, epoch: epoch + 1, batch: batch.map { $0 + 1 }, logs: logs)
    if saveBestOnly {
      guard let current = reader.read(logs) else { return }
      if let best, !(larger ? current > best : current < best) {
        if verbose {
          writeToStandardOutput(
            "\nEpoch \(epoch + 1): \(monitor) did not improve from \(String(format: "%.5f", best))\n"
          )
        }
        return
      }
      if verbose {
        let previous = best.map { String(format: "%.5f", $0) } ?? "inf"
        writeToStandardOutput(
          "\nEpoch \(epoch + 1): \(monitor) improved from \(previous) to \(String(format: "%.5f", current)), saving model to \(target)\n"
        )
      }
      best = current
    }
    let url = URL(fileURLWithPath: target)
    if saveWeightsOnly {
      try context.model.saveWeights(to: url)
    } else {
      try context.model.save(to: url)
    }
    savedPaths.append(target)
  }

  /// Fills `{epoch}`, `{epoch:02d}`, `{batch}`, `{name}` and `{name:.4f}` placeholders.
  static func format(_ pattern: String, epoch: Int, batch: Int? = nil, logs: [String: Float])
    throws -> String
  {
    var result = ""
    var rest = Substring(pattern)
    while let open = rest.firstIndex(of: "{") {
      result += rest[..<open]
      guard let close = rest[open...].firstIndex(of: "}") else {
        throw StrataError(.invalidArgument, "ModelCheckpoint: unclosed '{' in path '\(pattern)'")
      }
      let field = rest[rest.index(after: open)..<close]
      let parts = field.split(separator: ":", maxSplits: 1)
      let key = String(parts.first ?? "")
      let spec = parts.count > 1 ? String(parts[1]) : ""
      if key == "epoch" || (key == "batch" && batch != nil) {
        let number = key == "epoch" ? epoch : batch ?? 0
        result +=
          spec.isEmpty
          ? "\(number)"
          : String(format: "%" + spec.replacingOccurrences(of: "d", with: "ld"), number)
      } else if let value = logs[key] {
        result += spec.isEmpty ? "\(value)" : String(format: "%" + spec, Double(value))
      } else {
        throw StrataError(
          .invalidArgument,
          "ModelCheckpoint: path '\(pattern)' names '\(key)', which is not in the logs (\(logs.keys.sorted().joined(separator: ", ")))"
        )
      }
      rest = rest[rest.index(after: close)...]
    }
    return result + rest
  }
}
