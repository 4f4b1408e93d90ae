import Foundation

/// Streams each epoch's logs to a CSV file, Keras's `CSVLogger`: a header `epoch,` followed by
/// the sorted keys, then one row per epoch (0-based epoch), flushed every epoch.
public final class CSVLogger: Callback {
  /// The file written.
  public let url: URL
  /// The cell separator.
  public let separator: String
  /// Whether to append to an existing file instead of replacing it.
  public let append: Bool
  private var handle: FileHandle?
  private var keys: [String]?

  /// Logs to the file at `path`.
  public init(path: String, separator: String = ",", append: Bool = false) {
    self.url = URL(fileURLWithPath: path)
    self.separator = separator
    self.append = append
  }

  /// Opens the file.
  public func onTrainBegin(context: TrainingContext) throws {
    let exists = FileManager.default.fileExists(atPath: url.path)
    if !(append && exists) {
      guard FileManager.default.createFile(atPath: url.path, contents: nil) else {
        throw StrataError(.fileFormat, "CSVLogger: \(url.path) cannot be created")
      }
    }
    do {
      handle = try FileHandle(forWritingTo: url)
      try handle?.seekToEnd()
    } catch {
      throw StrataError(.fileFormat, "CSVLogger: \(url.path) cannot be opened (\(describe(error)))")
    }
    keys = nil
    if append && exists, let text = try? String(contentsOf: url, encoding: .utf8),
      let first = text.split(separator: "\n").first
    {
      keys = first.components(separatedBy: separator).dropFirst().map { String($0) }
    }
  }

  /// Writes the epoch's row (and the header before the first one).
  public func onEpochEnd(epoch: Int, logs: [String: Float], context: TrainingContext) throws {
    var text = ""
    let columns: [String]
    if let keys {
      columns = keys
    } else {
      var names = logs.keys.sorted()
      // Keras adds the val_ columns even before validation has run.
      if !names.contains(where: { $0.hasPrefix("val_") }) { names += names.map { "val_" + $0 } }
      columns = names
      keys = names
      text += (["epoch"] + names).joined(separator: separator) + "\n"
    }
    // Keras writes each value as the Python float it converted the float32 to: the shortest
    // decimal of the Double (0.2222222238779068, not 0.22222222), so the files diff clean.
    let cells = columns.map { key in logs[key].map { "\(Double($0))" } ?? "NA" }
    text += (["\(epoch)"] + cells).joined(separator: separator) + "\n"
    do {
      try handle?.write(contentsOf: Data(text.utf8))
      try handle?.synchronize()
    } catch {
      throw StrataError(
        .fileFormat, "CSVLogger: \(url.path) cannot be written (\(describe(error)))")
    }
  }

  /// Closes the file.
  public func onTrainEnd(logs: [String: Float], context: TrainingContext) throws {
    try? handle?.close()
    handle = nil
  }
}
