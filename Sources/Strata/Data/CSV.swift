import Foundation

/// A numeric table read from a CSV file: features and one label column.
public struct CSVDataset {
  /// The feature columns, `[rows, columns − 1]`.
  public var features: Tensor
  /// The label column, `[rows]`.
  public var labels: Tensor
  /// The feature column names (from the header, or `column_0`, `column_1`, …).
  public var featureNames: [String]
  /// The label column's name.
  public var labelName: String
}

/// Reads numeric CSV tables so you can train on your own data.
public enum CSV {
  /// Which column holds the label.
  public enum LabelColumn: Equatable, ExpressibleByStringLiteral, ExpressibleByIntegerLiteral {
    /// The column with this header name.
    case named(String)
    /// The column at this 0-based index; negative counts from the end (`-1`: the last).
    case index(Int)

    /// A column name.
    public init(stringLiteral value: String) { self = .named(value) }
    /// A column index.
    public init(integerLiteral value: Int) { self = .index(value) }
  }

  /// Loads `url`, separating the label column from the features.
  ///
  /// - Parameters:
  ///   - url: The CSV file.
  ///   - hasHeader: Whether the first line names the columns; `nil` guesses (a first line
  ///     with a cell that is not a number is a header).
  ///   - label: The label column, by name or index (default: the last column).
  ///   - separator: The cell separator (default `,`).
  /// - Throws: ``StrataError`` naming the file, line and column of a cell that is not a number
  ///   or a line with the wrong number of cells.
  public static func load(
    contentsOf url: URL, hasHeader: Bool? = nil, label: LabelColumn = .index(-1),
    separator: Character = ","
  ) throws -> CSVDataset {
    let text: String
    do { text = try String(contentsOf: url, encoding: .utf8) } catch {
      throw StrataError(.fileFormat, "\(url.path): cannot be read (\(error.localizedDescription))")
    }
    return try parse(
      text, source: url.path, hasHeader: hasHeader, label: label, separator: separator)
  }

  /// Parses CSV text; `source` names it in errors.
  public static func parse(
    _ text: String, source: String, hasHeader: Bool? = nil, label: LabelColumn = .index(-1),
    separator: Character = ","
  ) throws -> CSVDataset {
    var lines: [(number: Int, cells: [String])] = []
    for (index, line) in text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline)
      .enumerated()
    {
      let trimmed = line.trimmingCharacters(in: .whitespaces)
      if trimmed.isEmpty { continue }
      lines.append(
        (
          index + 1,
          trimmed.split(separator: separator, omittingEmptySubsequences: false).map {
            $0.trimmingCharacters(in: .whitespaces)
          }
        ))
    }
    guard let first = lines.first else { throw StrataError(.fileFormat, "\(source): no rows") }
    let header = hasHeader ?? first.cells.contains { number($0) == nil }
    let names = header ? first.cells : first.cells.indices.map { "column_\($0)" }
    let rows = header ? Array(lines.dropFirst()) : lines
    let width = names.count
    guard width >= 2 else {
      throw StrataError(
        .fileFormat,
        "\(source): expected at least 2 columns (features and a label), found \(width) on line \(first.number)"
      )
    }
    let labelIndex: Int
    switch label {
    case .named(let name):
      guard let index = names.firstIndex(of: name) else {
        throw StrataError(
          .invalidArgument,
          "\(source): no column named '\(abbreviated(name))'; the columns are \(abbreviated(names.joined(separator: ", "), limit: 200))"
        )
      }
      labelIndex = index
    case .index(let index):
      let resolved = index < 0 ? width + index : index
      guard resolved >= 0 && resolved < width else {
        throw StrataError(
          .invalidArgument, "\(source): label column \(index) is out of range for \(width) columns")
      }
      labelIndex = resolved
    }
    guard !rows.isEmpty else {
      throw StrataError(.fileFormat, "\(source): a header but no data rows")
    }
    var features: [Float] = []
    var labels: [Float] = []
    features.reserveCapacity(rows.count * (width - 1))
    for row in rows {
      guard row.cells.count == width else {
        throw StrataError(
          .fileFormat,
          "\(source): line \(row.number) has \(row.cells.count) cells, expected \(width)")
      }
      for (column, cell) in row.cells.enumerated() {
        guard let value = number(cell), value.isFinite else {
          throw StrataError(
            .fileFormat,
            "\(source): line \(row.number), column \(column + 1) ('\(abbreviated(names[column]))'): '\(abbreviated(cell))' is not a finite number"
          )
        }
        if column == labelIndex { labels.append(value) } else { features.append(value) }
      }
    }
    return CSVDataset(
      features: Tensor(shape: [rows.count, width - 1], scalars: features),
      labels: Tensor(shape: [rows.count], scalars: labels),
      featureNames: names.enumerated().filter { $0.offset != labelIndex }.map(\.element),
      labelName: names[labelIndex])
  }
}

/// The number a cell spells, or `nil`. `Float(_:)` stops at a NUL byte (C's `strtof` reads
/// `"1\0"` as 1), so a cell holding one is not a number.
private func number(_ cell: String) -> Float? {
  cell.utf8.contains(0) ? nil : Float(cell)
}

/// `text`, cut to its first `limit` characters with "…" after, so that an error message quoting
/// a cell stays one readable line whatever the file holds.
func abbreviated(_ text: String, limit: Int = 40) -> String {
  text.count <= limit ? text : String(text.prefix(limit)) + "…"
}
