import Foundation

/// Debian's `fortunes` corpus: short English texts (quotations, jokes, poems), the real text
/// the character-level language model of `Examples/char-rnn` trains on.
///
/// `apt-get install fortunes` puts the collections in `/usr/share/games/fortunes`. Files are
/// looked for in `directory`, then `$STRATA_DATASETS/fortunes`, `~/.strata/datasets/fortunes`
/// and the Debian folder; a folder counts when it holds at least one collection.
public enum Fortunes {
  /// The folder name under `$STRATA_DATASETS` and `~/.strata/datasets`.
  static let name = "fortunes"
  /// Where Debian's package puts the collections.
  static let systemDirectory = "/usr/share/games/fortunes"
  /// The most text read from one folder: the Debian corpus is about 2.6 MB.
  public static let maximumSize = 64 << 20

  /// The text of every collection in the first folder that has one, in file-name order: the
  /// `%` lines between fortunes become blank lines, control characters (the corpus's
  /// overstrikes) are dropped, and at most `maximumBytes` bytes are kept. Throws a
  /// ``StrataError`` listing the places tried when no collection is found.
  public static func load(
    directory: URL? = nil, maximumBytes: Int = maximumSize,
    environment: [String: String] = ProcessInfo.processInfo.environment
  ) throws -> String {
    let candidates = candidateDirectories(explicit: directory, environment: environment)
    for folder in candidates {
      let files = collections(in: folder)
      guard !files.isEmpty else { continue }
      var text = ""
      for file in files {
        guard text.utf8.count < maximumBytes else { break }
        let size =
          (try? FileManager.default.attributesOfItem(atPath: file.path)[.size] as? Int) ?? 0
        guard size <= maximumSize else {
          throw StrataError(
            .fileFormat,
            "\(file.path): \(size) bytes, more than the \(maximumSize) a fortune collection may hold"
          )
        }
        let data: Data
        do { data = try Data(contentsOf: file) } catch {
          throw StrataError(.fileFormat, "\(file.path): cannot be read (\(describe(error)))")
        }
        text += cleaned(String(decoding: data, as: UTF8.self))
      }
      return String(decoding: Array(text.utf8.prefix(maximumBytes)), as: UTF8.self)
    }
    let tried = candidates.map { "  - \($0.path)" }.joined(separator: "\n")
    throw StrataError(
      .fileFormat,
      """
      fortunes: no collection of fortunes was found. Places tried, in order:
      \(tried)
      Install Debian's corpus with `apt-get install fortunes` (into \(systemDirectory)), set STRATA_DATASETS to a folder holding fortunes/, or pass the folder explicitly.
      """)
  }

  /// The data-set look-up order (explicit, `$STRATA_DATASETS`, `~/.strata/datasets`, Debian),
  /// shared with MNIST; the corpus is never downloaded.
  static func candidateDirectories(explicit: URL?, environment: [String: String]) -> [URL] {
    DatasetSource(
      name: name, files: [], systemDirectory: systemDirectory, downloadBase: "", sha256: [:]
    ).candidateDirectories(explicit: explicit, environment: environment)
  }

  /// The collections in `folder`: regular files other than the `.dat` indexes and `.u8`
  /// links, sorted by name.
  static func collections(in folder: URL) -> [URL] {
    let names = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
    return names.sorted().filter {
      !$0.hasSuffix(".dat") && !$0.hasSuffix(".u8") && !$0.hasPrefix(".")
    }
    .map { folder.appendingPathComponent($0) }
    .filter { url in
      var isDirectory: ObjCBool = false
      return FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory)
        && !isDirectory.boolValue
    }
  }

  /// The separators `%` as blank lines; an overstrike (`_` backspace `x`, a typewriter's
  /// underline) keeps its last character, and other control characters but newline and tab
  /// are removed.
  static func cleaned(_ text: String) -> String {
    var scalars = String.UnicodeScalarView()
    var pending: [Unicode.Scalar] = []
    func flushLine(ending: Unicode.Scalar?) {
      if pending == ["%"] { pending = [] }
      scalars.append(contentsOf: pending)
      if let ending { scalars.append(ending) }
      pending = []
    }
    for scalar in text.unicodeScalars {
      switch scalar {
      case "\n": flushLine(ending: scalar)
      case "\u{8}": if !pending.isEmpty { pending.removeLast() }
      case "\t": pending.append(scalar)
      default: if scalar.value >= 0x20 && scalar.value != 0x7f { pending.append(scalar) }
      }
    }
    flushLine(ending: nil)
    return String(scalars)
  }
}
