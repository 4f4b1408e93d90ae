import Foundation

/// Writes a confusion matrix (``confusionMatrix(labels:predictions:numClasses:)``) as a heat
/// map: true classes down, predicted classes across, each cell shaded by its share of its row
/// and labelled with its count, as scikit-learn's `ConfusionMatrixDisplay` draws it.
public func plotConfusionMatrix(
  _ matrix: Tensor, classNames: [String]? = nil, to url: URL, title: String? = nil
) throws {
  guard matrix.rank == 2, matrix.shape[0] == matrix.shape[1], matrix.shape[0] > 0 else {
    throw StrataError(
      .shapeMismatch,
      "plotConfusionMatrix: expects a square matrix [classes, classes], received \(matrix.shape)")
  }
  let classes = matrix.shape[0]
  let names = classNames ?? (0..<classes).map(String.init)
  guard names.count == classes else {
    throw StrataError(
      .invalidArgument, "plotConfusionMatrix: \(names.count) class names for \(classes) classes")
  }
  let cell = Swift.max(28.0, Swift.min(60.0, 480.0 / Double(classes)))
  let labelWidth = 14 + 6.5 * Double(names.map(\.count).max() ?? 1)
  let top = (title == nil ? 20.0 : 50.0) + labelWidth
  let left = 40 + labelWidth
  var canvas = SVGCanvas(
    width: left + cell * Double(classes) + 20, height: top + cell * Double(classes) + 20)
  if let title { canvas.text(title, canvas.width / 2, 26, size: 16, anchor: "middle", bold: true) }
  for row in 0..<classes {
    let counts = (0..<classes).map { Double(matrix.scalars[row * classes + $0]) }
    let total = Swift.max(counts.reduce(0, +), 1)
    for column in 0..<classes {
      let share = counts[column] / total
      let x = left + Double(column) * cell
      let y = top + Double(row) * cell
      canvas.rectangle(x, y, cell, cell, fill: lightened("#08306b", by: 1 - share), stroke: "#ddd")
      // White on the dark cells.
      canvas.text(
        String(Int(counts[column])), x + cell / 2, y + cell / 2 + 4, size: Swift.min(12, cell / 3),
        anchor: "middle", color: share > 0.5 ? "white" : "#222")
    }
    canvas.text(names[row], left - 6, top + (Double(row) + 0.5) * cell + 4, size: 11, anchor: "end")
    canvas.text(
      names[row], left + (Double(row) + 0.5) * cell + 4, top - 6, size: 11, anchor: "start",
      rotate: -90)
  }
  canvas.text(
    "true class", 14, top + cell * Double(classes) / 2, size: 12, anchor: "middle", rotate: -90)
  canvas.text(
    "predicted class", left + cell * Double(classes) / 2, (title == nil ? 14 : 44), size: 12,
    anchor: "middle")
  try canvas.write(to: url)
}
