import Foundation

/// The counts `[numClasses, numClasses]` of each true class (row) predicted as each class
/// (column), scikit-learn's `confusion_matrix` and Keras's `tf.math.confusion_matrix`.
///
/// `predictions` are class indices `[n]` or a model's scores `[n, numClasses]` (their argmax
/// is taken); `labels` are class indices `[n]` or `[n, 1]`, or one-hot rows `[n, numClasses]`.
public func confusionMatrix(labels: Tensor, predictions: Tensor, numClasses: Int? = nil) throws
  -> Tensor
{
  let truth = try classIndices(labels, argument: "labels")
  let predicted = try classIndices(predictions, argument: "predictions")
  guard truth.count == predicted.count else {
    throw StrataError(
      .invalidArgument,
      "confusionMatrix: \(truth.count) labels for \(predicted.count) predictions")
  }
  let classes =
    numClasses
    ?? Swift.max(
      (truth.max() ?? -1) + 1, (predicted.max() ?? -1) + 1,
      labels.rank == 2 && labels.shape[1] > 1 ? labels.shape[1] : 0,
      predictions.rank == 2 && predictions.shape[1] > 1 ? predictions.shape[1] : 0)
  var counts = [Float](repeating: 0, count: classes * classes)
  for (t, p) in zip(truth, predicted) {
    guard t < classes, p < classes else {
      throw StrataError(
        .invalidData,
        "confusionMatrix: class \(Swift.max(t, p)) is outside 0..<\(classes) (`numClasses` \(classes))"
      )
    }
    counts[t * classes + p] += 1
  }
  return Tensor(shape: [classes, classes], scalars: counts)
}

/// A text report of precision, recall, F1 score and support per class, with accuracy and the
/// macro and weighted averages, laid out as scikit-learn's `classification_report`.
public func classificationReport(
  labels: Tensor, predictions: Tensor, classNames: [String]? = nil, digits: Int = 2
) throws -> String {
  let matrix = try confusionMatrix(
    labels: labels, predictions: predictions, numClasses: classNames?.count)
  let classes = matrix.shape[0]
  let names = classNames ?? (0..<classes).map(String.init)
  func count(_ row: Int, _ column: Int) -> Double { Double(matrix.scalars[row * classes + column]) }
  var rows: [(String, Double, Double, Double, Double)] = []
  for c in 0..<classes {
    let truePositives = count(c, c)
    let predicted = (0..<classes).reduce(0) { $0 + count($1, c) }
    let support = (0..<classes).reduce(0) { $0 + count(c, $1) }
    let precision = predicted > 0 ? truePositives / predicted : 0
    let recall = support > 0 ? truePositives / support : 0
    let f1 = precision + recall > 0 ? 2 * precision * recall / (precision + recall) : 0
    rows.append((names[c], precision, recall, f1, support))
  }
  let total = rows.reduce(0) { $0 + $1.4 }
  let correct = (0..<classes).reduce(0) { $0 + count($1, $1) }
  func average(weighted: Bool) -> (Double, Double, Double) {
    let weights = rows.map { weighted ? $0.4 / Swift.max(total, 1) : 1 / Double(classes) }
    return (
      zip(rows, weights).reduce(0) { $0 + $1.0.1 * $1.1 },
      zip(rows, weights).reduce(0) { $0 + $1.0.2 * $1.1 },
      zip(rows, weights).reduce(0) { $0 + $1.0.3 * $1.1 }
    )
  }
  // scikit-learn's layout: names right-aligned to the longest (at least "weighted avg"),
  // a space, then columns of 10.
  let width = Swift.max(12, names.map(\.count).max() ?? 0, digits)
  func pad(_ text: String, _ size: Int) -> String {
    String(repeating: " ", count: Swift.max(0, size - text.count)) + text
  }
  func number(_ value: Double) -> String { pad(String(format: "%.\(digits)f", value), 10) }
  var lines = [
    pad("", width) + " " + pad("precision", 10) + pad("recall", 10) + pad("f1-score", 10)
      + pad("support", 10), "",
  ]
  for (name, precision, recall, f1, support) in rows {
    lines.append(
      pad(name, width) + " " + number(precision) + number(recall) + number(f1)
        + pad(String(Int(support)), 10))
  }
  lines.append("")
  lines.append(
    pad("accuracy", width) + " " + pad("", 20) + number(correct / Swift.max(total, 1))
      + pad(String(Int(total)), 10))
  for (label, weighted) in [("macro avg", false), ("weighted avg", true)] {
    let (p, r, f) = average(weighted: weighted)
    lines.append(
      pad(label, width) + " " + number(p) + number(r) + number(f) + pad(String(Int(total)), 10))
  }
  return lines.joined(separator: "\n") + "\n"
}

/// Class indices from labels `[n]`/`[n, 1]` or rows of scores or one-hot values `[n, k]`.
private func classIndices(_ values: Tensor, argument: String) throws -> [Int] {
  if values.rank == 2 && values.shape[1] > 1 {
    return values.argmax(alongAxis: -1).scalars.map { Int($0) }
  }
  guard values.rank == 1 || (values.rank == 2 && values.shape[1] == 1) else {
    throw StrataError(
      .shapeMismatch,
      "confusionMatrix: `\(argument)` must be class indices [n] or scores [n, classes], received shape \(values.shape)"
    )
  }
  return try values.scalars.enumerated().map { position, value in
    guard value >= 0, value == value.rounded(), value < Float(Int32.max) else {
      throw StrataError(
        .invalidData,
        "confusionMatrix: `\(argument)` holds \(value) at position \(position), not a class index"
      )
    }
    return Int(value)
  }
}
