import Foundation

extension Sequential {
  /// Prints the model's layers, output shapes and parameter counts as Keras 3's
  /// `model.summary()` draws them.
  public func summary(lineLength: Int? = nil) {
    writeToStandardOutput(summaryText(lineLength: lineLength))
  }

  /// The text of ``summary(lineLength:)``: `Model: "sequential"`, the table, and the totals
  /// (`Total params: 81 (324.00 B)`). The width is Keras's 88 columns, or 4 less than a
  /// narrower terminal's (`COLUMNS`).
  public func summaryText(lineLength: Int? = nil) -> String {
    let columns = Int(ProcessInfo.processInfo.environment["COLUMNS"] ?? "") ?? 80
    let width = Swift.max(40, lineLength ?? Swift.min(88, columns - 4))
    // Keras's positions [0.45, 0.80, 1.0], each column padded by one space on both sides.
    let first = Int(Double(width) * 0.45) - 1
    let second = Int(Double(width) * 0.80) - Int(Double(width) * 0.45) - 2
    let third = width - 4 - first - second
    let widths = [first, second, third]

    func rule(_ left: String, _ fill: String, _ middle: String, _ right: String) -> String {
      left + widths.map { String(repeating: fill, count: $0) }.joined(separator: middle) + right
        + "\n"
    }
    func row(_ cells: [[String]], border: String) -> String {
      var text = ""
      for line in 0..<(cells.map(\.count).max() ?? 1) {
        var parts: [String] = []
        for (column, cell) in cells.enumerated() {
          let content = line < cell.count ? cell[line] : ""
          let room = widths[column] - 2
          let padding = String(repeating: " ", count: Swift.max(0, room - content.count))
          parts.append(" " + (column == 2 ? padding + content : content + padding) + " ")
        }
        text += border + parts.joined(separator: border) + border + "\n"
      }
      return text
    }

    var text = "Model: \"\(name)\"\n"
    text += rule("┏", "━", "┳", "┓")
    text += row([["Layer (type)"], ["Output Shape"], ["Param #"]], border: "┃")
    text += rule("┡", "━", "╇", "┩")
    var shape = inputShape
    for (index, layer) in layers.enumerated() {
      if index > 0 { text += rule("├", "─", "┼", "┤") }
      if let current = shape { shape = try? layer.outputShape(forInputShape: current) }
      let label = "\(layer.name) (\(type(of: layer)))"
      let nameCell =
        label.count <= first - 2 ? [label] : [layer.name, "(\(type(of: layer)))"]
      let shapeCell = shape.map(batchShapeText) ?? "?"
      let parameters = hasBuilt(layer) ? groupedThousands(layer.parameterCount) : "0 (unbuilt)"
      text += row([nameCell, [shapeCell], [parameters]], border: "│")
    }
    text += rule("└", "─", "┴", "┘")
    let trainable = trainableWeights.reduce(0) { $0 + $1.value.scalarCount }
    let nonTrainable = nonTrainableWeights.reduce(0) { $0 + $1.value.scalarCount }
    text +=
      " Total params: \(groupedThousands(trainable + nonTrainable)) (\(byteSize(trainable + nonTrainable)))\n"
    text += " Trainable params: \(groupedThousands(trainable)) (\(byteSize(trainable)))\n"
    text += " Non-trainable params: \(groupedThousands(nonTrainable)) (\(byteSize(nonTrainable)))\n"
    return text
  }
}

/// `1234567` → `1,234,567`.
func groupedThousands(_ value: Int) -> String {
  let digits = Array(String(value))
  var result = ""
  for (i, digit) in digits.enumerated() {
    if i > 0 && (digits.count - i) % 3 == 0 { result += "," }
    result.append(digit)
  }
  return result
}

/// The size of `count` float32 values in 1024-based units with two decimals: `324.00 B`.
func byteSize(_ count: Int) -> String {
  var size = Double(count * 4)
  for unit in ["B", "KB", "MB", "GB"] {
    if size < 1024 || unit == "GB" { return String(format: "%.2f %@", size, unit) }
    size /= 1024
  }
  return String(format: "%.2f GB", size)
}
